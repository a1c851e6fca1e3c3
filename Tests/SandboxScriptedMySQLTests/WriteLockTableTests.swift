import XCTest

@testable import SandboxScriptedMySQL

/// The write-lock table as a value: grants, queues in order, hands over on release, finds real cycles only.
final class WriteLockTableTests: XCTestCase {
    func testQueueAndHandOver() {
        var table = WriteLockTable()
        XCTAssertEqual(table.request("app", session: 1), .granted)
        XCTAssertEqual(table.request("app", session: 1), .held)
        XCTAssertEqual(table.request("app", session: 2), .queued)
        XCTAssertEqual(table.request("app", session: 3), .queued)
        XCTAssertEqual(table.request("other", session: 4), .granted, "schemas are independent")
        XCTAssertEqual(table.release(session: 1), [.init(schema: "app", session: 2)], "first come, first served")
        XCTAssertTrue(table.cancel("app", session: 3), "a timed-out waiter leaves the queue")
        XCTAssertEqual(table.release(session: 2), [])
        XCTAssertFalse(table.holdsAny(session: 2))
        XCTAssertEqual(table.request("app", session: 3), .granted)
    }

    func testOnlyARealCycleIsADeadlock() {
        var table = WriteLockTable()
        _ = table.request("a", session: 1)
        _ = table.request("b", session: 2)
        XCTAssertEqual(table.request("b", session: 1), .queued, "1 waits for 2: no cycle yet")
        XCTAssertEqual(table.request("a", session: 2), .deadlock, "2 waiting for 1 would close the cycle")
        XCTAssertEqual(table.request("a", session: 3), .queued, "a third session just waits")
        XCTAssertEqual(
            table.release(session: 2),
            [.init(schema: "b", session: 1)],
            "the victim rolls back and 1 proceeds"
        )
    }
}
