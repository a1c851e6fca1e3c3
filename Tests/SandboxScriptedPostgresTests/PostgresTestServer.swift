import Foundation
import SandboxPKI
import SandboxScriptedPostgres
import SandboxTesting
import XCTest

/// A scripted PostgreSQL server with TLS and one user per method, seeded with Fixtures/postgres/app.sql.
enum PostgresTestServer {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let ca = try! CertificateAuthority(commonName: "CloudSandbox Test RDS CA")
    static let caFile: String = {
        let path = NSTemporaryDirectory() + "cloudsandbox-pg-ca-\(UUID().uuidString.prefix(6)).pem"
        try! ca.certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static let users = [
        PostgresUser(name: "scram", password: "scram-pw", method: .scramSHA256),
        PostgresUser(name: "md5user", password: "md5-pw", method: .md5),
        PostgresUser(name: "clear", password: "clear-pw", method: .password),
    ]

    static func start(
        _ tweak: (inout ScriptedPostgresConfiguration) -> Void = { _ in }
    ) async throws -> ScriptedPostgresServer {
        let certificate = try ca.issueServerCertificate(
            commonName: "db",
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"]
        )
        let seed = try String(contentsOf: fixtures.appendingPathComponent("postgres/app.sql"), encoding: .utf8)
        var configuration = ScriptedPostgresConfiguration(
            users: users,
            seedSQL: [("items", seed)],
            tls: try certificate.serverTLSConfiguration()
        )
        tweak(&configuration)
        let server = try ScriptedPostgresServer(configuration: configuration)
        try await server.start()
        return server
    }
}

extension ScriptedPostgresServer {
    /// `psql` with each of `commands` as one -c.
    func psql(
        _ user: String,
        _ password: String,
        database: String = "items",
        sslmode: String = "disable",
        _ commands: [String]
    ) async throws -> Subprocess.Result {
        try await Psql.run(
            .init(
                host: self.host,
                port: self.port,
                user: user,
                password: password,
                database: database,
                sslMode: sslmode,
                rootCertificate: PostgresTestServer.caFile
            ),
            commands
        )
    }

    /// Fixtures/postgres/client.py with `driver` (psycopg2, pg8000): its JSON answer.
    func python(
        _ driver: String,
        _ user: String,
        _ password: String,
        database: String = "items",
        tls: Bool = false
    ) async throws -> [String: Any] {
        var environment = ProcessInfo.processInfo.environment
        environment["DB_PASSWORD"] = password
        let python = environment["CLOUDSANDBOX_PYTHON"] ?? "python3"
        let script = PostgresTestServer.fixtures.appendingPathComponent("postgres/client.py").path
        let result = try await Subprocess.runOffThread(
            [python, script, driver, self.host, String(self.port), user, database]
                + (tls ? [PostgresTestServer.caFile] : []),
            environment: environment
        )
        guard let data = result.stdout.split(separator: "\n").last.map({ Data($0.utf8) }),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw XCTSkip("client.py printed no JSON: \(result.stdout) \(result.stderr)")
        }
        return object
    }
}
