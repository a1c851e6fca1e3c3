import Foundation
import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxPKI
import SandboxScriptedMySQL
import XCTest

/// A scripted server with TLS and one user per plugin, seeded with Fixtures/sql/app.sql.
struct TestServer {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let ca = try! CertificateAuthority(commonName: "CloudSandbox Test RDS CA")
    static let otherCA = try! CertificateAuthority(commonName: "Some Other CA")
    static let caFile: String = writeTemp(ca.certificatePEM, name: "ca.pem")
    static let otherCAFile: String = writeTemp(otherCA.certificatePEM, name: "other-ca.pem")

    static let users = [
        MySQLUser(name: "native", password: "native-pw", plugin: .nativePassword),
        MySQLUser(name: "sha2", password: "sha2-pw", plugin: .cachingSHA2Password),
        MySQLUser(name: "clear", password: "clear-pw", plugin: .clearPassword),
    ]

    static func start(
        _ tweak: (inout ScriptedMySQLConfiguration) -> Void = { _ in }
    ) async throws -> ScriptedMySQLServer {
        let certificate = try ca.issueServerCertificate(
            commonName: "db",
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"]
        )
        let seed = try String(contentsOf: fixtures.appendingPathComponent("sql/app.sql"), encoding: .utf8)
        var configuration = ScriptedMySQLConfiguration(
            users: users,
            seedSQL: [("app", seed)],
            tls: try certificate.serverTLSConfiguration()
        )
        tweak(&configuration)
        let server = try ScriptedMySQLServer(configuration: configuration)
        try await server.start()
        return server
    }

    static func writeTemp(_ text: String, name: String) -> String {
        let path = NSTemporaryDirectory() + "cloudsandbox-test-\(UUID().uuidString.prefix(6))-\(name)"
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension ScriptedMySQLServer {
    func mariadb(
        _ user: String,
        _ password: String,
        database: String? = "app",
        tls: Bool = false,
        caFile: String? = nil,
        plugin: String? = nil
    ) async throws -> MariaDBConnection {
        let options = MariaDBConnection.Options(
            host: self.host,
            port: self.port,
            user: user,
            password: password,
            database: database,
            tls: tls,
            caFile: caFile,
            authPlugin: plugin
        )
        return try await MariaDB.offload { try MariaDBConnection(options) }
    }

    func ours(
        _ user: String,
        _ password: String,
        database: String? = "app",
        plugin: MySQLAuthPlugin = .cachingSHA2Password,
        tls: Bool = false
    ) async throws -> MySQLConnection {
        let configuration = MySQLClientConfiguration(
            username: user,
            password: password,
            database: database,
            authPlugin: plugin,
            tls: tls ? .required : .disabled
        )
        return try await MySQLConnection.connect(
            host: self.host,
            port: self.port,
            configuration: configuration,
            tls: tls ? try .trusting(caPEM: TestServer.ca.certificatePEM) : nil
        )
    }
}
