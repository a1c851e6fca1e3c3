import SandboxMariaDBClient
import SandboxMySQLWire
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// Logging in through MariaDB Connector/C with each plugin, over TLS and without.
final class LoginTests: XCTestCase {
    func testNativePasswordPlain() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("native", "native-pw")
        let rows = try await MariaDB.offload { try db.query("SELECT email FROM users ORDER BY id").rows }
        XCTAssertEqual(rows, [["ada@example.com"], ["alan@example.com"], ["grace@example.com"]])
        XCTAssertNil(db.tlsCipher)
    }

    func testCachingSHA2FullAuthOverTLSThenFastPath() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let first = try await server.mariadb("sha2", "sha2-pw", tls: true, caFile: TestServer.caFile)
        XCTAssertNotNil(first.tlsCipher)
        // The first login filled the cache: the next one takes the fast path, even without TLS.
        let second = try await server.mariadb("sha2", "sha2-pw")
        let version = try await MariaDB.offload { try second.query("SELECT VERSION()").rows }
        XCTAssertEqual(version, [["8.0.36"]])
    }

    func testCachingSHA2RSAKeyExchangeWithoutTLS() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.ours("sha2", "sha2-pw")
        let rows = try await db.query("SELECT CURRENT_USER()").textRows
        XCTAssertEqual(rows, [["sha2@%"]])
        await db.close()
    }

    func testClearPasswordOnlyOverTLS() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("clear", "clear-pw", tls: true, caFile: TestServer.caFile)
        XCTAssertNotNil(db.tlsCipher)
        await assertMySQLError(1045, "28000") { _ = try await server.mariadb("clear", "clear-pw") }
    }

    func testWrongPasswordUnknownDatabaseAndWrongCA() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let denied = await assertMySQLError(1045, "28000") { _ = try await server.mariadb("native", "nope") }
        XCTAssertEqual(denied?.message, "Access denied for user 'native'@'127.0.0.1' (using password: YES)")
        await assertMySQLError(1049, "42000") { _ = try await server.mariadb("native", "native-pw", database: "nope") }
        // A CA bundle that did not sign the server's certificate fails verification on the client (2026).
        await assertMySQLError(2026) {
            _ = try await server.mariadb("native", "native-pw", tls: true, caFile: TestServer.otherCAFile)
        }
    }
}

/// caching_sha2_password's first login without TLS, through libmariadb: RSA with the server's key.
final class LibmariadbRSATests: XCTestCase {
    func testFirstLoginWithoutTLSFetchesTheServerKey() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("sha2", "sha2-pw")
        XCTAssertNil(db.tlsCipher)
        await assertMySQLError(1045) { _ = try await server.mariadb("sha2", "not-it") }
    }
}
