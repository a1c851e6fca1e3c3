import SandboxMariaDBClient
import SandboxMySQLWire
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// Real SQL through libmariadb: DDL, DML, transactions, the MySQL-only statements and their errors.
final class QueryTests: XCTestCase {
    var server: ScriptedMySQLServer!
    var db: MariaDBConnection!

    override func setUp() async throws {
        self.server = try await TestServer.start()
        self.db = try await self.server.mariadb("native", "native-pw")
    }

    override func tearDown() async throws {
        self.db = nil
        await self.server.shutdown()
    }

    private func query(_ sql: String) async throws -> MariaDBResult {
        let db = self.db!
        return try await MariaDB.offload { try db.query(sql) }
    }

    func testDDLAndDMLWithAffectedRowsAndLastInsertID() async throws {
        try await self.query(
            "CREATE TABLE `notes` (`id` INT NOT NULL AUTO_INCREMENT, `body` TEXT, PRIMARY KEY (`id`)) ENGINE=InnoDB"
        )
        let insert = try await self.query("INSERT INTO notes (body) VALUES ('a'), ('b'), ('it\\'s')")
        XCTAssertEqual(insert.affectedRows, 3)
        XCTAssertEqual(insert.insertID, 3)
        let lastID = try await self.query("SELECT LAST_INSERT_ID()")
        XCTAssertEqual(lastID.rows, [["3"]])
        let update = try await self.query("UPDATE notes SET body = CONCAT(body, '!') WHERE id < 3")
        XCTAssertEqual(update.affectedRows, 2)
        let page = try await self.query("SELECT body FROM notes ORDER BY id LIMIT 1, 2")
        XCTAssertEqual(page.rows, [["b!"], ["it's"]])
        let delete = try await self.query("DELETE FROM notes")
        XCTAssertEqual(delete.affectedRows, 3)
    }

    func testTransactionsCommitAndRollback() async throws {
        try await self.query("BEGIN")
        try await self.query("INSERT INTO users (email) VALUES ('tmp@example.com')")
        try await self.query("ROLLBACK")
        let afterRollback = try await self.query("SELECT COUNT(*) FROM users")
        XCTAssertEqual(afterRollback.rows, [["3"]])
        try await self.query("SET autocommit=0")
        try await self.query("INSERT INTO users (email) VALUES ('kept@example.com')")
        try await self.query("COMMIT")
        try await self.query("SET autocommit=1")
        let afterCommit = try await self.query("SELECT COUNT(*) FROM users")
        XCTAssertEqual(afterCommit.rows, [["4"]])
    }

    func testConnectChatterAndSessionFunctions() async throws {
        let comment = try await self.query("select @@version_comment limit 1")
        XCTAssertEqual(comment.rows, [["CloudSandbox scripted MySQL"]])
        try await self.query("SET NAMES utf8mb4")
        let row = try await self.query(
            "SELECT DATABASE(), VERSION(), @@session.transaction_isolation, @@max_allowed_packet"
        )
        XCTAssertEqual(
            row.columns,
            ["DATABASE()", "VERSION()", "@@session.transaction_isolation", "@@max_allowed_packet"]
        )
        XCTAssertEqual(row.rows, [["app", "8.0.36", "REPEATABLE-READ", "67108864"]])
        let id = try await self.query("SELECT CONNECTION_ID()")
        XCTAssertEqual(id.rows, [[String(self.db.connectionID)]])
    }

    func testShowDescribeUseAndDatabases() async throws {
        let tables = try await self.query("SHOW TABLES")
        XCTAssertEqual(tables.rows, [["orders"], ["users"], ["visits"]])
        let describe = try await self.query("DESCRIBE users")
        XCTAssertEqual(describe.columns, ["Field", "Type", "Null", "Key", "Default", "Extra"])
        XCTAssertEqual(describe.rows.first, ["id", "integer", "NO", "PRI", nil, "auto_increment"])
        try await self.query("CREATE DATABASE reports")
        let databases = try await self.query("SHOW DATABASES")
        XCTAssertTrue(databases.rows.contains(["reports"]))
        try await self.query("USE reports")
        let current = try await self.query("SELECT DATABASE()")
        XCTAssertEqual(current.rows, [["reports"]])
        let none = try await self.query("SHOW TABLES")
        XCTAssertEqual(none.rows, [])
    }

    func testErrorsCarryMySQLCodesAndTheConnectionSurvives() async throws {
        await assertMySQLError(1146, "42S02") { try await self.query("SELECT * FROM nope") }
        await assertMySQLError(1062, "23000") {
            try await self.query("INSERT INTO users (email) VALUES ('ada@example.com')")
        }
        await assertMySQLError(1064, "42000") { try await self.query("SELEKT 1") }
        await assertMySQLError(1049, "42000") { try await self.query("USE nowhere") }
        await assertMySQLError(1193, "HY000") { try await self.query("SELECT @@no_such_variable") }
        await assertMySQLError(1048, "23000") { try await self.query("INSERT INTO users (email) VALUES (NULL)") }
        let value76 = try await self.query("SELECT 1 + 1").rows
        XCTAssertEqual(value76, [["2"]])
    }

    /// Reads run on the event loop within an instruction budget; a longer one is interrupted there and runs again
    /// on the blocking pool: the client sees one complete answer, the log one statement.
    func testALongReadMovesOffTheEventLoopAndCompletes() async throws {
        self.server.queryLog.clear()
        let long =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT COUNT(*), "
            + "SUM(i) FROM n"
        let answer = try await self.query(long)
        XCTAssertEqual(answer.rows, [["200000", "20000100000"]])
        let short = try await self.query("SELECT 1 + 1")
        XCTAssertEqual(short.rows, [["2"]])
        XCTAssertEqual(self.server.queryLog.all.map(\.statement), [long, "SELECT 1 + 1"])
    }

    func testQueryLogRecordsStatementsAndOutcomes() async throws {
        self.server.queryLog.clear()
        try await self.query("SELECT id FROM users")
        await assertMySQLError(1146) { try await self.query("SELECT * FROM missing") }
        let entries = self.server.queryLog.all
        XCTAssertEqual(entries.map(\.statement), ["SELECT id FROM users", "SELECT * FROM missing"])
        XCTAssertEqual(entries.map(\.outcome), [.rows(3), .error(code: 1146)])
        XCTAssertEqual(entries.first?.user, "native")
    }
}

/// Statements without a selected schema behave as on MySQL.
final class NoDatabaseTests: XCTestCase {
    func testSelectWithoutDatabaseWorksAndTablesNeedOne() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("native", "native-pw", database: nil)
        let one = try await MariaDB.offload { try db.query("SELECT 1, DATABASE()").rows }
        XCTAssertEqual(one, [["1", nil]])
        await assertMySQLError(1046, "3D000") { _ = try await MariaDB.offload { try db.query("SELECT * FROM users") } }
        await assertMySQLError(1046, "3D000") { _ = try await MariaDB.offload { try db.query("SHOW TABLES") } }
        try await MariaDB.offload { try db.selectDatabase("app") }
        let count = try await MariaDB.offload { try db.query("SELECT COUNT(*) FROM users").rows }
        XCTAssertEqual(count, [["3"]])
    }
}
