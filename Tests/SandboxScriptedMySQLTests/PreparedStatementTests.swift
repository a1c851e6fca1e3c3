import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// Prepared statements (COM_STMT_PREPARE/EXECUTE/CLOSE and the binary row protocol) from both clients.
final class PreparedStatementTests: XCTestCase {
    func testLibmariadbPreparedStatements() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("native", "native-pw")
        let inserted = try await MariaDB.offload {
            try db.execute("INSERT INTO users (email, name) VALUES (?, ?)", ["new@example.com", nil])
        }
        XCTAssertEqual(inserted.affectedRows, 1)
        XCTAssertEqual(inserted.insertID, 4)
        let rows = try await MariaDB.offload {
            try db.execute("SELECT id, email, name, created_at FROM users WHERE id >= ? ORDER BY id", ["3"])
        }
        XCTAssertEqual(rows.columns, ["id", "email", "name", "created_at"])
        XCTAssertEqual(
            rows.rows.map { Array($0.prefix(3)) },
            [["3", "grace@example.com", nil], ["4", "new@example.com", nil]]
        )
        XCTAssertEqual(rows.rows.first?[3]?.count, 19, "datetime in the binary protocol: \(rows.rows)")
        await assertMySQLError(1146) {
            _ = try await MariaDB.offload { try db.execute("SELECT * FROM nope WHERE id = ?", ["1"]) }
        }
    }

    func testOurClientPreparedStatementsWithTypedParameters() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.ours("sha2", "sha2-pw", tls: true)
        let statement = try await db.prepare(
            "SELECT total, status FROM orders WHERE user_id = ? AND total > ? ORDER BY id"
        )
        XCTAssertEqual(statement.parameters.count, 2)
        XCTAssertEqual(statement.columns.map(\.name), ["total", "status"])
        let result = try await db.execute(statement, [.integer(1), .double(5)])
        XCTAssertEqual(result.rows, [[.text("12.5"), .text("paid")]])
        try await db.closeStatement(statement)
        do {
            _ = try await db.execute(statement, [.integer(1), .double(5)])
            XCTFail("a closed statement cannot run")
        } catch let error as MySQLClientError {
            XCTAssertEqual(error.serverError?.code, 1243)
        }
        await db.close()
    }
}
