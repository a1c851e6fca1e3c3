import CloudSandbox
import Foundation
import Logging
import SandboxPKI
import SandboxPostgresNIO
import SandboxSigV4
import SandboxTesting

/// The PostgreSQL family beside Debian's PostgreSQL 15 in one run: pgbench's select-only and TPC-B-like scripts
/// against the scripted backend and against PostgreSQL (goal ≥ 0.5× on select-only), the scripted backend through
/// the RDS Proxy for PostgreSQL versus directly (goal ≥ 0.7×), and SCRAM and IAM logins per second through the proxy.
enum PostgresBench {
    static let seconds = 5, clients = 4

    static func run(logger: Logger) async throws {
        let topology = Topology(
            databases: [
                .init(
                    id: "db",
                    engine: .postgres,
                    users: [.init(name: "app", password: "app-pw")],
                    databases: ["items"],
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
                .init(
                    name: "pw",
                    role: "proxy-role",
                    auth: [.init(secret: "db/app")],
                    target: "db",
                    targetGroup: .init(maxConnectionsPercent: 100)
                ),
            ]
        )
        let sandbox = try await Sandbox.start(topology, logger: logger)
        let real: LocalPostgresServer?
        do {
            real = try await Subprocess.offThread { try LocalPostgresServer.start() }
        } catch {
            print("PostgreSQL 15: not measured (\(error))")
            real = nil
        }
        return try await withSandbox(sandbox) { sandbox in
            let database = sandbox.endpoints.databases["db"]!
            let pw = sandbox.endpoints.proxies!["pw"]!
            let iam = sandbox.endpoints.proxies!["iam"]!
            let scripted = Psql.Target(
                host: database.host,
                port: database.port,
                user: "app",
                password: "app-pw",
                database: "items"
            )
            let proxied = Psql.Target(host: pw.host, port: pw.port, user: "app", password: "app-pw", database: "items")
            let postgres = real.map {
                Psql.Target(host: "127.0.0.1", port: $0.port, user: $0.user, password: $0.password, database: "items")
            }
            for target in [scripted] + (postgres.map { [$0] } ?? []) {
                let made = try await Psql.run(target, [Pgbench.tablesSQL])
                guard made.status == 0 else {
                    throw Pgbench.Failure(description: "making pgbench's tables failed: \(made.stderr)")
                }
            }
            var report = Report([
                "pgbench, \(clients) clients, \(seconds) s", "scripted tx/s", "PostgreSQL 15 tx/s",
                "scripted / PostgreSQL",
                "through the proxy tx/s", "proxy / direct",
            ])
            for selectOnly in [true, false] {
                let figures = try await Subprocess.offThread {
                    (
                        try Pgbench.run(scripted, selectOnly: selectOnly, clients: clients, seconds: seconds),
                        try postgres.map {
                            try Pgbench.run($0, selectOnly: selectOnly, clients: clients, seconds: seconds)
                        },
                        try Pgbench.run(proxied, selectOnly: selectOnly, clients: clients, seconds: seconds)
                    )
                }
                report.add([
                    selectOnly ? "select-only (-S)" : "TPC-B-like (default)", format(figures.0.perSecond),
                    format(figures.1?.perSecond),
                    format(figures.1.map { figures.0.perSecond / $0.perSecond }), format(figures.2.perSecond),
                    format(figures.2.perSecond / figures.0.perSecond),
                ])
            }
            report.print()
            let keys = sandbox.endpoints.credentials!["app-role"]!.awsCredentials
            let tls = try ClientTLS.trusting(
                caPEM: String(contentsOfFile: iam.caBundle, encoding: .utf8),
                serverHostname: iam.endpoint
            )
            let scramLogins = try await Measure.rate(count: 300) {
                await
                    (try await PostgresClientConnection.connect(
                        host: pw.host,
                        port: pw.port,
                        configuration: .init(user: "app", password: "app-pw", database: "items")
                    )).close()
            }
            let iamLogins = try await Measure.rate(count: 300) {
                let token = RDSAuthToken.generate(
                    host: iam.endpoint,
                    port: 5432,
                    region: "us-east-1",
                    user: "app",
                    credentials: keys
                )
                await
                    (try await PostgresClientConnection.connect(
                        host: iam.host,
                        port: iam.port,
                        configuration: .init(user: "app", password: token, database: "items"),
                        tls: tls
                    )).close()
            }
            print(
                "logins per second through the PostgreSQL proxy (our client): SCRAM-SHA-256 \(format(scramLogins)), "
                    + "IAM token over TLS \(format(iamLogins)) (ratio \(format(iamLogins / scramLogins)))"
            )
            real?.stop()
        }
    }
}
