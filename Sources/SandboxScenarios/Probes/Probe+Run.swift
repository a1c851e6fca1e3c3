import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxPostgresNIO
import SandboxPostgresWire

extension Probe {
    /// Does what the probe says against `sandbox` and reports what the customer would see; never throws: a failure
    /// is an observation.
    public func run(in sandbox: Sandbox, timeout: UInt32 = 5) async -> Observation {
        switch self {
        case let .invoke(function, event):
            do {
                let result = try await sandbox.lambda.invoke(function, payload: Array(event.utf8))
                let text = String(decoding: result.payload, as: UTF8.self)
                return Observation(
                    succeeded: result.functionError == nil && result.status == 200,
                    text: text,
                    httpStatus: result.status
                )
            } catch {
                return Observation(succeeded: false, text: "\(error.code): \(error.message)", httpStatus: error.status)
            }
        case let .call(api, route):
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let name = api ?? sandbox.endpoints.apis?.keys.sorted().first else {
                return Observation(succeeded: false, text: "write the route as 'METHOD /path' of an API of the sandbox")
            }
            do {
                let (status, body) = try await sandbox.call(name, parts[0], parts[1])
                return Observation(succeeded: (200..<300).contains(status), text: body, httpStatus: status)
            } catch {
                return Observation(succeeded: false, text: "\(error)")
            }
        case let .connect(probe):
            if sandbox.endpoints.address(of: probe.target)?.postgres == true {
                return await Self.connectPostgres(probe, in: sandbox, timeout: timeout)
            }
            if probe.legacyClient || !probe.clearText {
                return await Self.connectWithOwnClient(probe, in: sandbox, timeout: timeout)
            }
            if let cluster = probe.failover {
                return await Self.connect(probe, acrossFailoverOf: cluster, in: sandbox, timeout: timeout)
            }
            return await Self.connect(probe, in: sandbox, timeout: timeout)
        case let .targetHealth(proxy):
            guard let server = sandbox.proxy(proxy) else {
                return Observation(succeeded: false, text: "no proxy '\(proxy)' in this sandbox")
            }
            let health = await server.checkTargetHealth()
            return Observation(
                succeeded: health.state == .available,
                text: health.text,
                targetState: health.state.rawValue,
                targetReason: health.reason?.rawValue
            )
        case let .reach(from, to, port):
            guard let result = sandbox.reach(from: from, to: to, port: port) else {
                return Observation(succeeded: false, text: "no network path to analyse from \(from) to \(to)")
            }
            return Observation(succeeded: result.isReachable, text: "\(result)")
        }
    }

    /// `probe.clients` clients log in one after another and stay connected, each running its statement (or BEGIN
    /// and SELECT 1, in a transaction), and SELECT 1 again after `idleSeconds`; the first failure is the observation.
    private static func connect(_ probe: ConnectProbe, in sandbox: Sandbox, timeout: UInt32) async -> Observation {
        var connections: [MariaDBConnection] = []
        defer { connections.removeAll() }
        do {
            for _ in 0..<max(1, min(probe.clients, 1_000)) {
                let connection = try await sandbox.connect(probe, timeout: timeout)
                connections.append(connection)
                _ = try await MariaDB.offload {
                    try connection.query(probe.inTransaction ? "BEGIN" : probe.sql ?? "SELECT 1")
                }
                if probe.inTransaction { _ = try await MariaDB.offload { try connection.query("SELECT 1") } }
            }
            if let idle = probe.idleSeconds {
                try await Task.sleep(for: .milliseconds(Int(min(idle, 600) * 1000)))
                for connection in connections { _ = try await MariaDB.offload { try connection.query("SELECT 1") } }
            }
            let sql = probe.sql ?? "SELECT 1"
            return Observation(
                succeeded: true,
                text: connections.count == 1
                    ? "connected; \(sql) answered" : "\(connections.count) clients connected; \(sql) answered"
            )
        } catch let error as MariaDBError {
            let which = probe.clients > 1 ? "a client of \(probe.clients) (\(connections.count) connected): " : ""
            return Observation(succeeded: false, text: "\(which)\(error)", mysqlError: error.code)
        } catch {
            return Observation(succeeded: false, text: "\(error)")
        }
    }

    /// `probe.clients` PostgreSQL clients log in one after another and stay connected, each running its statement (in
    /// a transaction it keeps open when `inTransaction`); the first refusal is the observation, as psql prints it
    /// after its prefix (`FATAL:  …`, `ERROR:  …`) with the SQLSTATE.
    private static func connectPostgres(
        _ probe: ConnectProbe,
        in sandbox: Sandbox,
        timeout: UInt32
    ) async -> Observation {
        let sql = probe.sql ?? "SELECT 1"
        var connections: [PostgresClientConnection] = []
        defer { for connection in connections { _ = connection.quit() } }
        do {
            for _ in 0..<max(1, min(probe.clients, 1_000)) {
                let connection = try await sandbox.endpoints.connectPostgres(probe, timeout: timeout)
                connections.append(connection)
                for statement in probe.inTransaction ? ["BEGIN", sql] : [sql] {
                    if let error = try await connection.run(statement).error {
                        let which =
                            probe.clients > 1 ? "a client of \(probe.clients) (\(connections.count) connected): " : ""
                        return Observation(
                            succeeded: false,
                            text: "\(which)\(error.severity.rawValue):  \(error.message) (SQLSTATE \(error.sqlState))"
                        )
                    }
                }
            }
            return Observation(
                succeeded: true,
                text: connections.count == 1
                    ? "connected; \(sql) answered" : "\(connections.count) clients connected; \(sql) answered"
            )
        } catch let error as PostgresClientError {
            guard let refusal = error.serverError else { return Observation(succeeded: false, text: "\(error)") }
            return Observation(
                succeeded: false,
                text: "\(refusal.severity.rawValue):  \(refusal.message) (SQLSTATE \(refusal.sqlState))"
            )
        } catch {
            return Observation(succeeded: false, text: "\(error)")
        }
    }

    /// Logs in through the target's name and runs the statement; fails the cluster over and waits until its name
    /// answers the new writer (at most 30 s); logs in again (to the first address when `resolveOnce`) and runs it.
    private static func connect(
        _ probe: ConnectProbe,
        acrossFailoverOf cluster: String,
        in sandbox: Sandbox,
        timeout: UInt32
    ) async -> Observation {
        let sql = probe.sql ?? "SELECT 1"
        guard let name = sandbox.address(of: probe.target)?.endpoint, let first = sandbox.resolve(name) else {
            return Observation(succeeded: false, text: "\(probe.target) has no name the sandbox resolves")
        }
        var stage = "before the failover"
        do {
            let before = try await sandbox.connect(probe, timeout: timeout, host: first)
            _ = try await MariaDB.offload { try before.query(sql) }
            try sandbox.failover(cluster: cluster)
            stage = "after the failover"
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            while sandbox.resolve(name) == first, clock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let host = probe.resolveOnce ? first : sandbox.resolve(name) ?? first
            let after = try await sandbox.connect(probe, timeout: timeout, host: host)
            _ = try await MariaDB.offload { try after.query(sql) }
            return Observation(succeeded: true, text: "\(sql) answered before and after the failover")
        } catch let error as MariaDBError {
            return Observation(succeeded: false, text: "\(stage): \(error)", mysqlError: error.code)
        } catch {
            return Observation(succeeded: false, text: "\(stage): \(error)")
        }
    }
}
