import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxMariaDBClient
import SandboxPKI
import SandboxTesting
import XCTest

/// The mariadb CLI with a token from `aws rds generate-db-auth-token`, the proxy in front of a real MariaDB
/// server, rotation, COM_CHANGE_USER / COM_RESET_CONNECTION and the idle-client timeout.
final class ProxyClientsTests: XCTestCase {
    func testMariaDBCLIWithATokenFromTheAWSCLI() async throws {
        try XCTSkipUnless(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/mariadb"),
            "mariadb-client is not installed; run `make deps`"
        )
        try await withSandbox(ProxyFixture.topology()) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["iam-proxy"])
            let role = try XCTUnwrap(sandbox.endpoints.credentials?["app-role"])
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
            environment["AWS_ACCESS_KEY_ID"] = role.accessKeyId
            environment["AWS_SECRET_ACCESS_KEY"] = role.secretAccessKey
            environment["AWS_SESSION_TOKEN"] = role.sessionToken
            environment["AWS_CONFIG_FILE"] = "/dev/null"
            environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
            let generated = try await Subprocess.runOffThread(
                [
                    "aws", "--endpoint-url", sandbox.endpoints.aws!.endpoint, "rds", "generate-db-auth-token",
                    "--hostname", proxy.endpoint,
                    "--port", "3306", "--username", "app", "--region", "us-east-1",
                ],
                environment: environment
            )
            try XCTSkipIf(generated.status == 127, "the aws CLI is not installed; run `make deps`")
            XCTAssertEqual(generated.status, 0, generated.stderr)
            let token = generated.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let base = [
                "/usr/bin/mariadb", "--no-defaults", "--batch", "--skip-column-names", "--connect-timeout=5", "-h",
                proxy.host, "-P", String(proxy.port), "-u", "app",
            ]
            let tls = ["--ssl", "--ssl-ca=\(proxy.caBundle)", "--ssl-verify-server-cert", "--enable-cleartext-plugin"]
            let ok = try await Subprocess.runOffThread(
                base + tls + ["--password=\(token)", "app", "-e", "SELECT 6 * 7"]
            )
            XCTAssertEqual(ok.status, 0, ok.stderr)
            XCTAssertTrue(ok.stdout.hasSuffix("42\n"), ok.stdout)
            let plain = try await Subprocess.runOffThread(
                base + ["--skip-ssl", "--password=\(token)", "app", "-e", "SELECT 1"]
            )
            XCTAssertTrue(
                plain.stderr.contains("ERROR 3159 (HY000): This RDS Proxy requires TLS connections."),
                plain.stderr
            )
            let bad = try await Subprocess.runOffThread(
                base + tls + ["--password=\(token.dropLast(3))abc", "app", "-e", "SELECT 1"]
            )
            XCTAssertTrue(
                bad.stderr.contains("ERROR 1045 (28000): Access denied for user 'app'@'%' (using password: YES)"),
                bad.stderr
            )
        }
    }

    func testProxyInFrontOfARealMariaDBServer() async throws {
        let server: LocalMariaDBServer
        do {
            server = try await MariaDB.offload {
                try LocalMariaDBServer.start(ca: try CertificateAuthority(commonName: "proxy test CA"))
            }
        } catch let unavailable as LocalMariaDBServer.Unavailable {
            throw XCTSkip(unavailable.description)
        }
        defer { server.stop() }
        var topology = ProxyFixture.topology()
        topology.databases.append(
            .init(
                id: "real-db",
                users: [.init(name: server.user, password: server.password)],
                databases: ["app"],
                external: .init(host: "127.0.0.1", port: server.port)
            )
        )
        topology.secrets?.append(.init(name: "real-db/native", database: .init(instance: "real-db", user: server.user)))
        topology.proxies = [
            .init(name: "real-proxy", role: "proxy-role", auth: [.init(secret: "real-db/native")], target: "real-db")
        ]
        try await withSandbox(topology) { sandbox in
            XCTAssertEqual(sandbox.account.dbProxy(named: "real-proxy")?.targets.first?.state, .available)
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["real-proxy"])
            let client = try await MariaDB.offload {
                try MariaDBConnection(
                    .init(
                        host: proxy.host,
                        port: proxy.port,
                        user: server.user,
                        password: server.password,
                        database: "app"
                    )
                )
            }
            XCTAssertTrue(try client.query("SELECT VERSION()").rows.first?.first??.contains("MariaDB") ?? false)
            _ = try client.query("CREATE TABLE IF NOT EXISTS proxied (id INT PRIMARY KEY)")
            _ = try client.query("REPLACE INTO proxied VALUES (1)")
            XCTAssertEqual(try client.query("SELECT COUNT(*) FROM proxied").rows, [["1"]])
            _ = try client.query("BEGIN")
            _ = try client.query("INSERT INTO proxied VALUES (2)")
            let other = try await MariaDB.offload {
                try MariaDBConnection(
                    .init(
                        host: proxy.host,
                        port: proxy.port,
                        user: server.user,
                        password: server.password,
                        database: "app"
                    )
                )
            }
            XCTAssertEqual(
                try other.query("SELECT COUNT(*) FROM proxied").rows,
                [["1"]],
                "mariadbd's transaction stays on its connection"
            )
            _ = try client.query("ROLLBACK")
        }
    }

    func testRotationChangeUserResetAndIdleClients() async throws {
        var topology = ProxyFixture.topology()
        topology.proxies?[1].idleClientTimeout = 1
        let clock = ManualClock()
        try await withSandbox(topology, clock: clock) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["pw-proxy"])
            func connect(_ password: String) async throws -> MariaDBConnection {
                try await MariaDB.offload {
                    try MariaDBConnection(
                        .init(host: proxy.host, port: proxy.port, user: "app", password: password, database: "app")
                    )
                }
            }
            let client = try await connect("app-Passw0rd")
            _ = try client.query("SET @pin = 1")
            try client.resetConnection()
            let unpinned = await sandbox.proxy("pw-proxy")!.statistics().pinnedClients
            XCTAssertEqual(unpinned, 0, "COM_RESET_CONNECTION ends the pin")
            try client.changeUser("app", password: "app-Passw0rd", database: "app")
            XCTAssertEqual(try client.query("SELECT 1").rows, [["1"]])

            // Rotation: the database and the secret get a new password; the proxy reads it for new target connections.
            sandbox.database("app-db")!.setUser(.init(name: "app", password: "rotated-pw", plugin: .nativePassword))
            _ = try sandbox.account.putSecretValue("app-db/app", value: #"{"username":"app","password":"rotated-pw"}"#)
            await sandbox.database("app-db")!.killAll()
            let rotated = try await connect("rotated-pw")
            XCTAssertEqual(try rotated.query("SELECT 2").rows, [["2"]])

            let server = try XCTUnwrap(sandbox.proxy("pw-proxy"))
            let open = await server.statistics().clientConnections
            XCTAssertEqual(open, 2, "idle, but not for longer than IdleClientTimeout on the proxy's clock")
            // Each look moves the proxy's clock a second: the clients idle past 1 s are closed at the next tick.
            try await waitUntil("IdleClientTimeout closed the idle clients") {
                clock.advance(by: .seconds(1))
                return await server.statistics().clientConnections == 0
            }
            XCTAssertThrowsError(try rotated.query("SELECT 3"), "IdleClientTimeout (1 s) closed the idle client")
        }
    }
}
