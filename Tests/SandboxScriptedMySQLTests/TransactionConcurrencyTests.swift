import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxTesting
import XCTest

@testable import SandboxScriptedMySQL

/// Concurrent transactions as InnoDB users see them: a writer waits for the writing transaction ahead of it
/// (never a false deadlock), gives up after innodb_lock_wait_timeout with 1205, proceeds when the holder is
/// killed; a transaction that read before another committed can still write; autocommit reads never wait.
final class TransactionConcurrencyTests: XCTestCase {
    private func pair() async throws -> (ScriptedMySQLServer, MySQLConnection, MySQLConnection) {
        let server = try await TestServer.start()
        let a = try await server.ours("native", "native-pw", plugin: .nativePassword)
        let b = try await server.ours("native", "native-pw", plugin: .nativePassword)
        _ = try await a.query("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)")
        _ = try await a.query("INSERT INTO counters VALUES (1, 0), (2, 0)")
        return (server, a, b)
    }

    func testAWriterWaitsInsteadOfDeadlocking() async throws {
        let (server, a, b) = try await self.pair()
        addTeardownBlock { await server.shutdown() }
        _ = try await a.query("BEGIN")
        _ = try await a.query("SELECT n FROM counters WHERE id = 1")
        _ = try await b.query("BEGIN")
        _ = try await b.query("SELECT n FROM counters WHERE id = 2")
        _ = try await a.query("UPDATE counters SET n = n + 1 WHERE id = 1")
        let waiting = Task { try await b.query("UPDATE counters SET n = n + 1 WHERE id = 2") }
        try await waitUntil("b's UPDATE waits for a's lock") {
            server.queryLog.running.contains { $0.connectionID == b.greeting.connectionID }
        }
        let reader = try await server.ours("native", "native-pw", plugin: .nativePassword)
        let seen = try await reader.query("SELECT n FROM counters ORDER BY id")
        XCTAssertEqual(seen.textRows, [["0"], ["0"]], "an autocommit read does not wait and sees only commits")
        _ = try await a.query("COMMIT")
        _ = try await waiting.value
        _ = try await b.query("COMMIT")
        let after = try await reader.query("SELECT n FROM counters ORDER BY id")
        XCTAssertEqual(after.textRows, [["1"], ["1"]], "both transactions committed, neither was a deadlock")
    }

    func testAStaleReadSnapshotCanStillWrite() async throws {
        let (server, a, b) = try await self.pair()
        addTeardownBlock { await server.shutdown() }
        _ = try await a.query("BEGIN")
        _ = try await a.query("SELECT n FROM counters WHERE id = 1")
        _ = try await b.query("UPDATE counters SET n = 5 WHERE id = 1")  // autocommit, after a's snapshot
        _ = try await a.query("UPDATE counters SET n = n + 1 WHERE id = 1")
        _ = try await a.query("COMMIT")
        let result = try await b.query("SELECT n FROM counters WHERE id = 1")
        XCTAssertEqual(result.textRows, [["6"]], "the update acts on the latest committed row, as InnoDB's do")
    }

    func testLockWaitTimeoutAndAKilledHolder() async throws {
        let (server, a, b) = try await self.pair()
        addTeardownBlock { await server.shutdown() }
        _ = try await a.query("BEGIN")
        _ = try await a.query("UPDATE counters SET n = 9 WHERE id = 1")
        _ = try await b.query("SET innodb_lock_wait_timeout = 1")
        let started = ContinuousClock.now
        do {
            _ = try await b.query("UPDATE counters SET n = 1 WHERE id = 2")
            XCTFail("the lock is held")
        } catch let error as MySQLClientError {
            XCTAssertEqual(error.serverError?.code, 1205)
            XCTAssertEqual(error.serverError?.message, "Lock wait timeout exceeded; try restarting transaction")
        }
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(950))
        _ = try await b.query("SET innodb_lock_wait_timeout = 30")
        let waiting = Task { try await b.query("UPDATE counters SET n = 1 WHERE id = 2") }
        try await waitUntil("b's UPDATE waits for a's lock") {
            server.queryLog.running.contains { $0.connectionID == b.greeting.connectionID }
        }
        XCTAssertTrue(server.kill(connectionID: a.greeting.connectionID), "the holder is killed")
        _ = try await waiting.value
        let rows = try await b.query("SELECT n FROM counters ORDER BY id")
        XCTAssertEqual(rows.textRows, [["0"], ["1"]], "the killed transaction was rolled back; the waiter proceeded")
    }
}
