import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxTesting
import XCTest

/// Our client against Debian's real mariadbd: the client side the RDS Proxy will use to reach its targets.
final class RealMariaDBTests: XCTestCase {
    func testOurClientLogsInPlainAndOverTLSAndRunsQueries() async throws {
        let server: LocalMariaDBServer
        do {
            server = try await MariaDB.offload { try LocalMariaDBServer.start(ca: TestServer.ca) }
        } catch let unavailable as LocalMariaDBServer.Unavailable {
            throw XCTSkip(unavailable.description)
        }
        defer { server.stop() }

        // Plain: the client starts with caching_sha2_password and is switched to mysql_native_password.
        let plain = try await MySQLConnection.connect(
            host: "127.0.0.1",
            port: server.port,
            configuration: .init(username: "native", password: "native-pw", database: "app", tls: .disabled)
        )
        XCTAssertTrue(plain.greeting.serverVersion.contains("MariaDB"), plain.greeting.serverVersion)
        _ = try await plain.query("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20))")
        let insert = try await plain.query("INSERT INTO t (name) VALUES ('a'), ('b')")
        XCTAssertEqual(insert.affectedRows, 2)
        let statement = try await plain.prepare("SELECT id, name FROM t WHERE name = ?")
        let found = try await plain.execute(statement, [.text("b")])
        XCTAssertEqual(found.rows, [[.integer(2), .text("b")]])
        await plain.close()

        // TLS, verifying the certificate against our CA and the IP address dialled.
        let tls = try await MySQLConnection.connect(
            host: "127.0.0.1",
            port: server.port,
            configuration: .init(
                username: "native",
                password: "native-pw",
                database: "app",
                authPlugin: .nativePassword,
                tls: .required
            ),
            tls: try .trusting(caPEM: TestServer.ca.certificatePEM)
        )
        let cipher = try await tls.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        XCTAssertFalse(cipher.textRows.first?[1]?.isEmpty ?? true, "\(cipher.textRows)")
        let rows = try await tls.query("SELECT name FROM t ORDER BY id")
        XCTAssertEqual(rows.textRows, [["a"], ["b"]])
        await tls.close()

        do {
            _ = try await MySQLConnection.connect(
                host: "127.0.0.1",
                port: server.port,
                configuration: .init(username: "native", password: "wrong", tls: .disabled)
            )
            XCTFail("wrong password must fail")
        } catch let error as MySQLClientError {
            XCTAssertEqual(error.serverError?.code, 1045)
        }
    }
}
