import CloudSandbox
import Foundation
import Logging
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxSigV4
import SandboxTesting

/// What the RDS Proxy costs: per-query latency through it versus straight to the instance (p50, p99), the
/// throughput ratio, logins per second with IAM tokens versus passwords. (Memory per idle client is the scale
/// part's: its clients live in a process of their own, so the proxy's growth is not hidden by memory this one freed.)
enum ProxyBench {
    /// The roles the proxy benches run with: proxy-role reads every secret, app-role may rds-db:connect anywhere.
    static var roles: Topology.IAM {
        let trust = { (service: String) in
            JSONText(
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"\#(service)"},"#
                    + #""Action":"sts:AssumeRole"}]}"#
            )
        }
        return .init(roles: [
            .init(
                name: "proxy-role",
                trustPolicy: trust("rds.amazonaws.com"),
                policies: [
                    "read": JSONText(
                        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                            + #""Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#
                    )
                ]
            ),
            .init(
                name: "app-role",
                trustPolicy: trust("lambda.amazonaws.com"),
                policies: [
                    "connect": JSONText(
                        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","#
                            + #""Resource":"*"}]}"#
                    )
                ]
            ),
        ])
    }

    static func run(logger: Logger) async throws {
        let topology = Topology(
            databases: [
                .init(
                    id: "db",
                    users: [.init(name: "app", password: "app-pw", plugin: .nativePassword)],
                    databases: ["app"],
                    maxConnections: 200,
                    tls: .disabled
                )
            ],
            iam: ProxyBench.roles,
            secrets: [.init(name: "db/app", database: .init(instance: "db", user: "app"))],
            proxies: [
                .init(
                    name: "iam",
                    role: "proxy-role",
                    auth: [.init(secret: "db/app", iamAuth: .required)],
                    target: "db",
                    requireTLS: true
                ),
                .init(name: "pw", role: "proxy-role", auth: [.init(secret: "db/app")], target: "db"),
            ]
        )
        let sandbox = try await Sandbox.start(topology, logger: logger)
        return try await withSandbox(sandbox) { sandbox in
            let database = sandbox.endpoints.databases["db"]!
            let pw = sandbox.endpoints.proxies!["pw"]!
            let iam = sandbox.endpoints.proxies!["iam"]!
            let login = MySQLClientConfiguration(username: "app", password: "app-pw", database: "app", tls: .disabled)

            let direct = try await MySQLConnection.connect(
                host: database.host,
                port: database.port,
                configuration: login
            )
            let proxied = try await MySQLConnection.connect(host: pw.host, port: pw.port, configuration: login)
            let directLatency = try await Self.latencies(direct)
            let proxiedLatency = try await Self.latencies(proxied)
            await direct.close()
            await proxied.close()
            let directConcurrent = try await Self.concurrentRate(host: database.host, port: database.port, login: login)
            let proxiedConcurrent = try await Self.concurrentRate(host: pw.host, port: pw.port, login: login)

            let credentials = sandbox.endpoints.credentials!["app-role"]!
            let keys = credentials.awsCredentials
            let tls = try MySQLConnection.TLS.trusting(
                caPEM: String(contentsOfFile: iam.caBundle, encoding: .utf8),
                serverHostname: iam.endpoint
            )
            let passwordLogins = try await Measure.rate(count: 1_000) {
                await (try await MySQLConnection.connect(host: pw.host, port: pw.port, configuration: login)).close()
            }
            let iamLogins = try await Measure.rate(count: 1_000) {
                let token = RDSAuthToken.generate(
                    host: iam.endpoint,
                    port: 3306,
                    region: "us-east-1",
                    user: "app",
                    credentials: keys
                )
                await
                    (try await MySQLConnection.connect(
                        host: iam.host,
                        port: iam.port,
                        configuration: .init(username: "app", password: token, database: "app", tls: .required),
                        tls: tls
                    )).close()
            }

            var report = Report(["RDS Proxy (our client, sequential)", "direct", "through the proxy", "proxy / direct"])
            report.add([
                "SELECT 1 latency p50 (µs)", format(directLatency.p50), format(proxiedLatency.p50),
                format(proxiedLatency.p50 / directLatency.p50),
            ])
            report.add([
                "SELECT 1 latency p99 (µs)", format(directLatency.p99), format(proxiedLatency.p99),
                format(proxiedLatency.p99 / directLatency.p99),
            ])
            report.add([
                "SELECT 1 per second", format(directLatency.rate), format(proxiedLatency.rate),
                format(proxiedLatency.rate / directLatency.rate),
            ])
            report.add([
                "SELECT 1 per second, 16 clients", format(directConcurrent), format(proxiedConcurrent),
                format(proxiedConcurrent / directConcurrent),
            ])
            report.print()
            print(
                "logins per second through the proxy: password \(format(passwordLogins)), IAM token over TLS "
                    + "\(format(iamLogins)) (ratio \(format(iamLogins / passwordLogins)))"
            )
        }
    }

    /// Sequential SELECT 1: p50 and p99 in microseconds and queries per second (≤ 3,000 queries or 2 s).
    static func latencies(_ connection: MySQLConnection) async throws -> (p50: Double, p99: Double, rate: Double) {
        for _ in 0..<50 { _ = try await connection.query("SELECT 1") }
        var samples: [Double] = []
        let clock = ContinuousClock()
        let start = clock.now
        while samples.count < 3_000, clock.now - start < .seconds(2) {
            let begin = clock.now
            _ = try await connection.query("SELECT 1")
            samples.append(Measure.seconds(clock.now - begin) * 1e6)
        }
        let sorted = samples.sorted()
        return (
            sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)],
            Double(samples.count) / Measure.seconds(clock.now - start)
        )
    }

    /// SELECT 1 from 16 connections at once for 2 s (each ≤ 20,000 queries): queries per second in all.
    static func concurrentRate(
        host: String,
        port: Int,
        login: MySQLClientConfiguration,
        clients: Int = 16
    ) async throws -> Double {
        var connections: [MySQLConnection] = []
        for _ in 0..<clients {
            connections.append(try await MySQLConnection.connect(host: host, port: port, configuration: login))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for connection in connections {
                group.addTask {
                    var done = 0
                    while done < 20_000, clock.now - start < .seconds(2) {
                        _ = try await connection.query("SELECT 1")
                        done += 1
                    }
                    return done
                }
            }
            return try await group.reduce(0, +)
        }
        let rate = Double(total) / Measure.seconds(clock.now - start)
        for connection in connections { await connection.close() }
        return rate
    }

    /// VmRSS from /proc/self/status, in KiB (0 where unavailable).
    static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}
