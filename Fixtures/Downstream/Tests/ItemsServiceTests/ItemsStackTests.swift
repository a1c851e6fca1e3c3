import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SandboxTesting
import XCTest

/// The items stack on PostgreSQL, tested from its own package with postgres-nio, the client a Swift service uses:
/// the service's role logs in to the RDS Proxy with an IAM token, the admin with SCRAM-SHA-256 and a legacy client
/// with MD5, all over TLS verified against the proxy's CA; a role without rds-db:connect is refused in RDS Proxy's
/// words; the security groups keep everything but the proxy and the operator off the database.
final class ItemsStackTests: XCTestCase {
    private let logger = Logger(label: "items-tests")

    private var topology: String {
        get throws { try XCTUnwrap(Bundle.module.url(forResource: "Resources", withExtension: nil)).appendingPathComponent("topology.yaml").path }
    }

    private func connect(host: String, port: Int, user: String, password: String, caBundle: String, serverName: String) async throws -> PostgresConnection {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caBundle)
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: "items",
                                                             tls: .require(try NIOSSLContext(configuration: tls)))
        configuration.options.tlsServerName = serverName
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: self.logger)
    }

    /// Who the connection is logged in as, and item 2 read with a bound parameter (the extended protocol, binary formats).
    private func read(_ connection: PostgresConnection) async throws -> [(String, String, Decimal)] {
        let rows = try await connection.query("SELECT current_user, name, price FROM items WHERE id = \(2)", logger: self.logger)
        var read: [(String, String, Decimal)] = []
        for try await row in rows.decode((String, String, Decimal).self) { read.append(row) }
        return read
    }

    func testTheServiceLogsInWithIAMAndPasswordsLogInWithSCRAMAndMD5() async throws {
        try await withSandbox(file: try self.topology) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["items-proxy"])
            let token = try XCTUnwrap(sandbox.authToken(proxy: "items-proxy", role: "items-service", user: "items_app"))
            for (user, password) in [("items_app", token), ("admin", "admin-Passw0rd"), ("legacy", "legacy-Passw0rd")] {
                let connection = try await self.connect(host: proxy.host, port: proxy.port, user: user, password: password, caBundle: proxy.caBundle,
                                                        serverName: proxy.endpoint)
                let read = try await self.read(connection)
                XCTAssertEqual(read.map(\.0), [user])
                XCTAssertEqual(read.map(\.1), ["teapot"])
                XCTAssertEqual(read.map(\.2), [Decimal(18)])
                try await connection.close()
            }
            // Straight to the instance from the operator host, with the admin's password.
            let database = try XCTUnwrap(sandbox.endpoints.databases["items-db"])
            let direct = try await self.connect(host: database.host, port: database.port, user: "admin", password: "admin-Passw0rd",
                                                caBundle: try XCTUnwrap(database.caBundle), serverName: database.endpoint)
            let inserted = try await direct.query("INSERT INTO items (name, price) VALUES (\("mug"), \(Decimal(string: "7.25")!)) RETURNING id", logger: self.logger)
            var ids: [Int] = []
            for try await id in inserted.decode(Int.self) { ids.append(id) }
            XCTAssertEqual(ids, [3])
            try await direct.close()
        }
    }

    func testARoleWithoutRDSDBConnectIsRefusedAndOnlyTheProxyReachesTheDatabase() async throws {
        try await withSandbox(file: try self.topology) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["items-proxy"])
            let token = try XCTUnwrap(sandbox.authToken(proxy: "items-proxy", role: "reporting", user: "items_app"))
            do {
                let connection = try await self.connect(host: proxy.host, port: proxy.port, user: "items_app", password: token, caBundle: proxy.caBundle,
                                                        serverName: proxy.endpoint)
                try await connection.close()
                XCTFail("the reporting role has no rds-db:connect")
            } catch let error as PSQLError {
                XCTAssertEqual(error.serverInfo?[.message], "IAM authentication failed for user items_app. Check the IAM token for this user and try again.")
            }
            assertBlocked(sandbox, from: "batch-job", to: "items-proxy", port: 5432)
            assertBlocked(sandbox, from: "batch-job", to: "items-db", port: 5432)
        }
    }
}
