import NIOConcurrencyHelpers
import NIOEmbedded
import NIOPosix
import SandboxLifecycle
import SandboxTesting
import XCTest

/// A clock a test moves: actions run when it passes their deadline, in deadline order, and not before.
final class ManualClockTests: XCTestCase {
    func testActionsRunWhenTheClockPassesTheirDeadlineInOrder() {
        let loop = EmbeddedEventLoop()
        let clock = ManualClock()
        let ran = NIOLockedValueBox<[String]>([])
        let start = clock.now
        clock.schedule(at: start + .seconds(2), on: loop) { ran.withLockedValue { $0.append("b") } }
        clock.schedule(at: start + .seconds(1), on: loop) { ran.withLockedValue { $0.append("a") } }
        let cancelled = clock.schedule(at: start + .seconds(1), on: loop) {
            ran.withLockedValue { $0.append("cancelled") }
        }
        cancelled.cancel()
        XCTAssertEqual(clock.pendingCount, 2)
        clock.advance(by: .milliseconds(999))
        loop.run()
        XCTAssertEqual(ran.withLockedValue { $0 }, [], "nothing is due before its deadline")
        clock.advance(by: .seconds(5))
        loop.run()
        XCTAssertEqual(ran.withLockedValue { $0 }, ["a", "b"])
        XCTAssertEqual(clock.now, start + .milliseconds(5_999))
        XCTAssertEqual(clock.pendingCount, 0)
    }

    func testADeadlineAlreadyPassedRunsAtOnce() {
        let loop = EmbeddedEventLoop()
        let clock = ManualClock()
        let ran = NIOLockedValueBox(false)
        clock.schedule(at: clock.now, on: loop) { ran.withLockedValue { $0 = true } }
        loop.run()
        XCTAssertTrue(ran.withLockedValue { $0 })
    }

    func testSleepReturnsWhenAdvancedAndThrowsWhenCancelled() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(until: clock.now + .seconds(1), on: loop) }
        let cancelled = Task { try await clock.sleep(until: clock.now + .seconds(60), on: loop) }
        try await waitUntil("both sleepers are waiting on the clock") { clock.pendingCount == 2 }
        clock.advance(by: .seconds(1))
        try await sleeper.value
        cancelled.cancel()
        do {
            try await cancelled.value
            XCTFail("a cancelled sleep throws")
        } catch is CancellationError {}
        XCTAssertEqual(clock.pendingCount, 0, "the cancelled sleep's action is dropped")
    }
}
