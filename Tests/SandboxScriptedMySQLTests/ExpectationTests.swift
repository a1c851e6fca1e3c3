import SandboxMariaDBClient
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// Expectations on what the database receives, go-sqlmock style, through libmariadb: answered in order, an
/// unexpected statement refused with what was expected next, the misses listed; in any order; or lenient.
final class ExpectationTests: XCTestCase {
    func testInOrderExpectationsAnswerAndReportWhatWasMissedOrUnexpected() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        var expectations = StatementExpectations()
        expectations.expect(
            .prefix("SELECT balance FROM accounts"),
            answer: .rows(columns: ["balance"], rows: [["100"]])
        )
        expectations.expect(.regex("^update accounts set balance"), answer: .ok(affectedRows: 1))
        expectations.expect(.exact("SELECT COUNT(*) FROM users"))  // runs for real
        expectations.expect(.exact("COMMIT"))
        server.expect(expectations)

        let db = try await server.mariadb("native", "native-pw")
        let balance = try await MariaDB.offload { try db.query("SELECT balance FROM accounts WHERE id = 7").rows }
        XCTAssertEqual(balance, [["100"]])
        let refused = await assertMySQLError(1105, "HY000") { _ = try db.query("DELETE FROM accounts") }
        XCTAssertTrue(
            refused?.message.contains("the next expected is a statement matching /^update accounts set balance/")
                ?? false,
            "\(refused?.message ?? "")"
        )
        let updated = try await MariaDB.offload {
            try db.query("UPDATE accounts SET balance = 90 WHERE id = 7").affectedRows
        }
        XCTAssertEqual(updated, 1)
        let users = try await MariaDB.offload { try db.query("SELECT COUNT(*) FROM users").rows }
        XCTAssertEqual(users, [["3"]], "an expectation without an answer executes the statement")

        XCTAssertEqual(
            server.expectationFailures,
            ["expected 'COMMIT', not received", "received 'DELETE FROM accounts', not expected"]
        )
        _ = try await MariaDB.offload { try db.query("COMMIT") }
        XCTAssertEqual(server.expectationFailures, ["received 'DELETE FROM accounts', not expected"])
    }

    func testAnyOrderAndLenientExpectations() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        var expectations = StatementExpectations(order: .anyOrder, strict: false)
        expectations.expect(.exact("SELECT 1"), times: 2)
        expectations.expect(
            .exact("SELECT 2"),
            answer: .error(
                code: 1213,
                sqlState: "40001",
                message: "Deadlock found when trying to get lock; try restarting transaction"
            )
        )
        server.expect(expectations)
        let db = try await server.mariadb("native", "native-pw")
        await assertMySQLError(1213, "40001") { _ = try db.query("SELECT 2") }
        _ = try await MariaDB.offload { try db.query("SELECT 1") }
        let other = try await MariaDB.offload { try db.query("SELECT 3").rows }
        XCTAssertEqual(other, [["3"]], "not strict: what nothing expects runs as usual")
        XCTAssertEqual(
            server.expectationFailures,
            ["expected 'SELECT 1' 1 more time(s), not received", "received 'SELECT 3', not expected"]
        )
        _ = try await MariaDB.offload { try db.query("SELECT 1") }
        XCTAssertEqual(server.expectationFailures, ["received 'SELECT 3', not expected"])
    }

    func testExpectationsAllMet() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        var expectations = StatementExpectations()
        expectations.expect(.prefix("INSERT INTO users"))
        expectations.expect(.exact("SELECT COUNT(*) FROM users"))
        server.expect(expectations)
        let db = try await server.mariadb("native", "native-pw")
        _ = try await MariaDB.offload {
            try db.query("INSERT INTO users (name, email) VALUES ('dora', 'dora@example.com')")
        }
        let count = try await MariaDB.offload { try db.query("SELECT COUNT(*) FROM users").rows }
        XCTAssertEqual(count, [["4"]])
        assertExpectationsMet(server)
    }
}
