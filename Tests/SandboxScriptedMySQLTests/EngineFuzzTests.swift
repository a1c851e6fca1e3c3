import SandboxMariaDBClient
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// Truncated, odd and randomly assembled statements through a real connection: each gets an answer (rows,
/// OK or an ERR), the server never crashes, and the connection stays usable.
final class EngineFuzzTests: XCTestCase {
    static let fragments = [
        "SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "USE", "SET", "CREATE", "DROP", "DATABASE", "TABLE", "TABLES",
        "COLUMNS", "FROM", "users", "`users`", "'x'", "\"y\"", "@@", "@@version", "NAMES", "autocommit", "=", ",", "(",
        ")", "*",
        "LIMIT", "1", "0,", "?", "/*", "*/", "--", "#", ";", "\\", "'", "`", "DATABASE()", "LAST_INSERT_ID()", "BEGIN",
        "COMMIT",
        "ROLLBACK", "TO", "FULL", "LIKE", "'%'", "INSERT", "INTO", "VALUES", "CREATE TABLE", "AUTO_INCREMENT",
        "ENGINE=InnoDB",
    ]

    func testOddStatementsAlwaysGetAnAnswer() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("native", "native-pw")
        var generator = SplitMix64(seed: 0x5EED_F00D)
        var statements =
            Self.fragments + [
                "SHOW CREATE TABLE", "SHOW COLUMNS", "SHOW COLUMNS FROM", "SET NAMES", "SET @@", "KILL QUERY",
                "CREATE DATABASE", "DROP DATABASE IF EXISTS", "SELECT @@", "SHOW FULL", "SET TRANSACTION",
            ]
        for _ in 0..<300 {
            statements.append(
                (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                    Self.fragments.randomElement(using: &generator)!
                }
                .joined(separator: " ")
            )
        }
        let all = statements
        let answered = try await MariaDB.offload { () -> Int in
            var count = 0
            for statement in all {
                do { try db.query(statement) } catch let error as MariaDBError {
                    // a client-side error means the connection broke
                    guard error.code < 2000 || error.code >= 3000 else { throw error }
                }
                count += 1
            }
            return count
        }
        XCTAssertGreaterThan(answered, 300)
        let alive = try await MariaDB.offload { try db.query("SELECT 1").rows }
        XCTAssertEqual(alive, [["1"]])
    }
}
