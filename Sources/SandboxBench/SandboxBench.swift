import CloudSandbox
import Foundation
import Logging
import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxPKI
import SandboxScriptedMySQL
import SandboxTesting

/// `make bench`: query throughput of the scripted backend against a real MariaDB server, through our client
/// and through libmariadb, side by side with the ratio; and how long a sandbox takes to start one instance.
@main
struct SandboxBench {
    struct Target {
        var name: String
        var host: String
        var port: Int
        var user: String
        var password: String
    }

    /// `BENCH_ONLY=` a comma-separated list of parts (queries, sysbench, startup, network, http, proxy, postgres,
    /// stream, scale, lambda, interception, failover, aws, catalog, sandboxes) runs those parts alone; `BENCH_QUICK=1`
    /// the headline parts (`quickParts`); `SCALE_CLIENTS` and `SCALE_CYCLES` make the scale part smaller;
    /// `FAILOVER_PROFILE=aws` takes Aurora-like failover timings.
    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        let quiet = {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            return logger
        }()
        if let part = environment["BENCH_CHILD"] { return try await StartupBench.child(part, logger: quiet) }
        let quick = environment["BENCH_QUICK"].map { !["", "0"].contains($0) } ?? false
        let only =
            environment["BENCH_ONLY"].map { Set($0.split(separator: ",").map(String.init)) }
            ?? (quick ? Self.quickParts : nil)
        let wants = { (part: String) in only?.contains(part) ?? true }
        print("CloudSandbox benchmarks (single connection, sequential queries; each figure ≤ 3000 queries or 2 s)\n")
        let ca = try CertificateAuthority(commonName: "bench CA")
        let scripted = try ScriptedMySQLServer(
            configuration: .init(
                users: [MySQLUser(name: "native", password: "native-pw", plugin: .nativePassword)],
                databases: ["app"],
                logger: quiet
            )
        )
        try await scripted.start()
        var real: LocalMariaDBServer?
        if wants("queries") || wants("sysbench") || wants("stream") {
            do {
                real = try await MariaDB.offload { try LocalMariaDBServer.start(ca: ca) }
            } catch {
                print("real MariaDB: not measured (\(error))")
            }
        }
        let targets =
            [Target(name: "scripted", host: scripted.host, port: scripted.port, user: "native", password: "native-pw")]
            + (real.map {
                [Target(name: "mariadb", host: "127.0.0.1", port: $0.port, user: $0.user, password: $0.password)]
            } ?? [])
        for target in targets { try await Self.seed(target) }

        if wants("queries") {
            var report = Report(["query (queries/s)", "client", "scripted", "real MariaDB", "scripted / real"])
            for (label, sql) in [("SELECT 1", "SELECT 1"), ("100-row SELECT", "SELECT id, name, score FROM bench100")] {
                for client in ["ours", "libmariadb"] {
                    var figures: [Double] = []
                    for target in targets {
                        figures.append(
                            client == "ours" ? try await Self.ours(target, sql) : try await Self.libmariadb(target, sql)
                        )
                    }
                    let ratio = figures.count == 2 ? figures[0] / figures[1] : nil
                    report.add([
                        label, client, format(figures[0]), format(figures.count == 2 ? figures[1] : nil), format(ratio),
                    ])
                }
            }
            report.print()
            print()
        }
        if wants("sysbench") { try await SysbenchBench.run(targets) }
        if wants("startup") {
            let startup = try await Measure.medianMilliseconds(runs: 7) {
                let sandbox = try await Sandbox.start(
                    Topology(databases: [.init(id: "db", users: [.init(name: "u", password: "p")], databases: ["app"])]
                    ),
                    logger: quiet
                )
                await sandbox.shutdown()
            }
            print("\nSandbox.start with one instance (CA, certificate, listener), median of 7: \(format(startup)) ms\n")
        }
        if wants("network") {
            try await NetworkBench.run(logger: quiet)
            print()
        }
        if wants("http") {
            try await HTTPBench.run(logger: quiet)
            print()
        }
        if wants("proxy") {
            try await ProxyBench.run(logger: quiet)
            print()
        }
        if wants("postgres") {
            try await PostgresBench.run(logger: quiet)
            print()
        }
        if wants("stream") {
            if let real {
                try await StreamingBench.run(real: real, logger: quiet)
            } else {
                print("1 GB result: not measured (no MariaDB)")
            }
            print()
        }
        if wants("scale") {
            try await ScaleBench.run(
                logger: quiet,
                idleClients: Int(environment["SCALE_CLIENTS"] ?? "") ?? 10_000,
                cycles: Int(environment["SCALE_CYCLES"] ?? "") ?? 100_000
            )
            print()
        }
        if wants("lambda") {
            try await LambdaBench.run(logger: quiet)
            print()
        }
        if wants("interception") {
            try await InterceptionBench.run(logger: quiet)
            print()
        }
        if wants("failover") {
            try await FailoverBench.run(logger: quiet, profile: environment["FAILOVER_PROFILE"] ?? "fast")
            print()
        }
        if wants("aws") { try AWSBench.run() }
        if wants("catalog") {
            print()
            try await CatalogBench.run()
        }
        if wants("sandboxes") {
            print()
            try await StartupBench.run(logger: quiet)
        }
        real?.stop()
        await scripted.shutdown()
    }

    /// What `BENCH_QUICK=1` runs: the headline figures, a few minutes after the build.
    static let quickParts: Set = ["queries", "sysbench", "http", "proxy", "aws", "sandboxes"]

    static func seed(_ target: Target) async throws {
        let connection = try await Self.connect(target)
        _ = try await connection.query(
            "CREATE TABLE IF NOT EXISTS bench100 (id INT PRIMARY KEY, name VARCHAR(40), score DOUBLE)"
        )
        _ = try await connection.query("DELETE FROM bench100")
        let values = (1...100).map { "(\($0), 'name-\($0)', \(Double($0) * 1.5))" }.joined(separator: ", ")
        _ = try await connection.query("INSERT INTO bench100 VALUES \(values)")
        await connection.close()
    }

    static func connect(_ target: Target) async throws -> MySQLConnection {
        try await MySQLConnection.connect(
            host: target.host,
            port: target.port,
            configuration: .init(
                username: target.user,
                password: target.password,
                database: "app",
                authPlugin: .nativePassword,
                tls: .disabled
            )
        )
    }

    static func ours(_ target: Target, _ sql: String) async throws -> Double {
        let connection = try await Self.connect(target)
        do {
            let rate = try await Measure.rate { _ = try await connection.query(sql) }
            await connection.close()
            return rate
        } catch {
            await connection.close()
            throw error
        }
    }

    static func libmariadb(_ target: Target, _ sql: String) async throws -> Double {
        try await MariaDB.offload {
            let connection = try MariaDBConnection(
                .init(
                    host: target.host,
                    port: target.port,
                    user: target.user,
                    password: target.password,
                    database: "app"
                )
            )
            return try Measure.rate { _ = try connection.query(sql) }
        }
    }
}
