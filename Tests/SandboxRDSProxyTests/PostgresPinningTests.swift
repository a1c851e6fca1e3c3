import XCTest

@testable import SandboxRDSProxy

/// RDS Proxy's pinning conditions for PostgreSQL, statement by statement, without sockets.
final class PostgresPinningTests: XCTestCase {
    func testWhatPinsAndWhatDoesNot() {
        let pins: [(String, String)] = [
            ("SET search_path = app", "SET statement"), ("set application_name to 'x'", "SET statement"),
            ("RESET ALL", "RESET statement"),
            ("DISCARD ALL", "DISCARD statement"), ("LISTEN jobs", "LISTEN statement"),
            ("LOAD 'auto_explain'", "LOAD statement"),
            ("DECLARE c CURSOR FOR SELECT 1", "DECLARE cursor"), ("PREPARE q AS SELECT 1", "SQL-level PREPARE"),
            ("CREATE TEMP TABLE t (n int)", "CREATE TEMPORARY TABLE"),
            ("create temporary sequence s", "CREATE TEMPORARY SEQUENCE"),
            ("SELECT set_config('search_path', 'x', false)", "set_config() call"),
            ("SELECT nextval('items_id_seq')", "sequence function nextval()"),
            ("SELECT pg_advisory_lock(42)", "advisory lock function"),
            ("SELECT pg_try_advisory_lock(1)", "advisory lock function"),
            ("SELECT '" + String(repeating: "x", count: 17_000) + "'", "a statement larger than 16 KB"),
        ]
        for (sql, reason) in pins { XCTAssertEqual(PostgresPinning.reason(for: sql), reason, String(sql.prefix(60))) }
        for sql in [
            "SELECT * FROM items WHERE id = $1", "SET LOCAL statement_timeout = 1000",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "BEGIN", "INSERT INTO items (name) VALUES ('settle')", "CREATE TABLE t (n int)", "COMMIT",
        ] {
            XCTAssertNil(PostgresPinning.reason(for: sql), sql)
        }
    }
}
