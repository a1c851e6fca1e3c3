import XCTest

@testable import SandboxLifecycle

/// The deadline queue as a value: what is due when, and when the one timer must be armed.
final class DeadlineQueueTests: XCTestCase {
    func testArmsOnlyForAnEarlierDeadline() {
        var queue = DeadlineQueue<String>()
        XCTAssertEqual(queue.add(100, "a").arm, 100, "the first deadline arms the timer")
        XCTAssertNil(queue.add(150, "b").arm, "a later one waits for the armed timer")
        XCTAssertEqual(queue.add(50, "c").arm, 50, "an earlier one arms it again")
        XCTAssertEqual(queue.armed, 50)
    }

    func testExpiresInOrderAndReArmsForTheNext() {
        var queue = DeadlineQueue<String>()
        _ = queue.add(100, "a")
        _ = queue.add(300, "c")
        _ = queue.add(200, "b")
        let first = queue.expire(now: 210)
        XCTAssertEqual(first.due, ["a", "b"])
        XCTAssertEqual(first.arm, 300)
        XCTAssertEqual(queue.count, 1)
        let last = queue.expire(now: 300)
        XCTAssertEqual(last.due, ["c"])
        XCTAssertNil(last.arm, "nothing left: no timer")
        XCTAssertNil(queue.armed)
    }

    func testCancelledDeadlinesNeverRunAndDoNotReArm() {
        var queue = DeadlineQueue<String>()
        let a = queue.add(100, "a").id
        _ = queue.add(200, "b")
        XCTAssertTrue(queue.cancel(a))
        XCTAssertFalse(queue.cancel(a), "a deadline cancels once")
        XCTAssertNil(queue.add(150, "c").arm, "the timer armed for the cancelled one still fires before 150")
        let fired = queue.expire(now: 100)
        XCTAssertEqual(fired.due, [], "the cancelled action is dropped")
        XCTAssertEqual(fired.arm, 150)
        XCTAssertEqual(queue.expire(now: 200).due, ["c", "b"])
    }

    func testASupersededTimerDoesNotArmASecondChain() {
        var queue = DeadlineQueue<String>()
        _ = queue.add(100, "a")
        _ = queue.add(50, "b")  // two timers now: at 50 and at 100
        let early = queue.expire(now: 50)
        XCTAssertEqual(early.due, ["b"])
        XCTAssertNil(early.arm, "the timer at 100 is still armed")
        _ = queue.add(400, "c")
        let late = queue.expire(now: 100)
        XCTAssertEqual(late.due, ["a"])
        XCTAssertEqual(late.arm, 400)
        XCTAssertNil(queue.expire(now: 100).arm, "a second fire at the same time arms nothing more")
    }

    func testCancelledEntriesAreCompactedWhenTheyOutnumberLiveOnes() {
        var queue = DeadlineQueue<Int>()
        let keep = queue.add(1_000_000, -1).id
        for index in 0..<10_000 { XCTAssertTrue(queue.cancel(queue.add(Int64(2_000_000 + index), index).id)) }
        XCTAssertEqual(queue.count, 1)
        XCTAssertLessThanOrEqual(queue.heapCount, 2 * queue.count + 65, "cancelled entries do not pile up")
        XCTAssertTrue(queue.cancel(keep))
    }

    func testTheTimerRunsWhatIsDueAndNotWhatWasCancelled() async throws {
        let timer = DeadlineTimer()
        let ran = AsyncStream<String>.makeStream()
        // The cancelled deadline lies far beyond the due one: cancelling it always comes first, however slow the
        // machine.
        let cancelled = timer.schedule(in: .seconds(60)) { ran.continuation.yield("cancelled") }
        timer.schedule(in: .milliseconds(10)) { ran.continuation.yield("due") }
        XCTAssertTrue(timer.cancel(cancelled))
        var iterator = ran.stream.makeAsyncIterator()
        let first = await iterator.next()
        XCTAssertEqual(first, "due")
        XCTAssertEqual(timer.pending, 0)
    }
}
