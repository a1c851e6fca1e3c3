import CSandboxSQLite
import Foundation
import XCTest

@testable import SandboxSQLite

/// One SQLite connection as the scripted backends use it: values bound and read in all five storage classes, a
/// statement cut off by its instruction budget with the connection still usable, transactions, the file's settings.
final class SQLiteConnectionTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: self.folder)
    }

    private func open() throws -> SQLiteConnection<SQLiteValue> {
        try SQLiteConnection(path: self.folder.appendingPathComponent("app.db").path)
    }

    func testEveryStorageClassRoundTripsThroughBindingAndReading() throws {
        let connection = try self.open()
        try connection.execute("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
        let row: [SQLiteValue] = [.integer(-1 << 40), .double(0.25), .text("café ✓"), .bytes([0, 255, 7]), .null]
        let inserted = try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", parameters: row)
        XCTAssertEqual(inserted.changes, 1)
        XCTAssertEqual(inserted.lastInsertRowID, 1)
        let read = try connection.execute("SELECT i, d, s, b, n FROM t")
        XCTAssertEqual(read.rows, [row])
        XCTAssertEqual(read.columns.map(\.name), ["i", "d", "s", "b", "n"])
        XCTAssertEqual(read.columns.map(\.declaredType), ["INTEGER", "REAL", "TEXT", "BLOB", "TEXT"])
        XCTAssertEqual(try connection.describe("SELECT ? + ?").parameterCount, 2)
    }

    func testAStatementOverItsInstructionBudgetIsInterruptedAndTheConnectionGoesOn() throws {
        let connection = try self.open()
        let long =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) SELECT count(*) FROM n"
        connection.instructionBudget = 10_000
        XCTAssertThrowsError(try connection.execute(long)) { error in
            XCTAssertEqual((error as? SQLiteConnection<SQLiteValue>.Failure)?.code, SQLITE_INTERRUPT)
        }
        XCTAssertEqual(try connection.execute("SELECT 1").rows, [[.integer(1)]], "a short one runs within the budget")
        connection.instructionBudget = nil
        XCTAssertEqual(
            try connection.execute(long).rows,
            [[.integer(1_000_000)]],
            "without a budget it runs to the end"
        )
    }

    func testTransactionsAndAFailedStatementLeaveNothingHalfDone() throws {
        let connection = try self.open()
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        try connection.execute("BEGIN")
        XCTAssertTrue(connection.isInTransaction)
        try connection.execute("SELECT * FROM t")
        XCTAssertTrue(connection.hasReadOnlySnapshot, "read, not written yet")
        try connection.execute("INSERT INTO t VALUES (1)")
        XCTAssertFalse(connection.hasReadOnlySnapshot)
        try connection.execute("ROLLBACK")
        XCTAssertFalse(connection.isInTransaction)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM t").rows, [[.integer(0)]])
        XCTAssertThrowsError(try connection.execute("INSERT INTO missing VALUES (1)")) { error in
            XCTAssertEqual((error as? SQLiteConnection<SQLiteValue>.Failure)?.message, "no such table: missing")
        }
    }

    func testTheFileIsInWALModeWithForeignKeysOn() throws {
        let connection = try self.open()
        XCTAssertEqual(try connection.execute("PRAGMA journal_mode").rows, [[.text("wal")]])
        XCTAssertEqual(try connection.execute("PRAGMA foreign_keys").rows, [[.integer(1)]])
        XCTAssertEqual(try connection.execute("PRAGMA synchronous").rows, [[.integer(0)]])
    }

    func testHexBothWays() {
        XCTAssertEqual(Hex.string([0x00, 0xAB, 0x7F]), "00ab7f")
        XCTAssertEqual(Hex.bytes("00AB7f"), [0x00, 0xAB, 0x7F])
        XCTAssertNil(Hex.bytes("abc"), "an odd count")
        XCTAssertNil(Hex.bytes("zz"), "not a digit")
        XCTAssertEqual(Hex.bytes(""), [])
    }
}
