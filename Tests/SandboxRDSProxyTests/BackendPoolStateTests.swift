import XCTest

@testable import SandboxRDSProxy

/// The pool as a plain value: limits, waiters, the borrow timeout, users, cancellation, failover and shutdown.
final class BackendPoolStateTests: XCTestCase {
    private let t0 = ContinuousClock.now

    private func pool(max: Int = 2, idle: Int = 2) -> BackendPoolState {
        BackendPoolState(.init(maxConnections: max, maxIdle: idle, borrowTimeout: .seconds(1)))
    }

    func testOpensUpToTheLimitThenWaitersAreServedInTurnOrTimeOut() {
        var pool = self.pool()
        XCTAssertEqual(pool.borrow(1, user: "app", now: t0), [.open(1, user: "app", for: 1)])
        XCTAssertEqual(pool.borrow(2, user: "app", now: t0), [.open(2, user: "app", for: 2)])
        XCTAssertEqual(pool.opened(1, now: t0), [.lease(1, 1)])
        XCTAssertEqual(pool.opened(2, now: t0), [.lease(2, 2)])
        XCTAssertEqual(pool.borrow(3, user: "app", now: t0), [.scheduleTimer(t0 + .seconds(1))])
        XCTAssertEqual(pool.borrow(4, user: "app", now: t0 + .milliseconds(500)), [], "the earlier timer covers it")
        XCTAssertEqual(pool.giveBack(1, reusable: true), [.lease(3, 1)], "first come, first served")
        XCTAssertEqual(pool.timerFired(now: t0 + .seconds(1)), [.scheduleTimer(t0 + .milliseconds(1_500))])
        XCTAssertEqual(pool.timerFired(now: t0 + .milliseconds(1_500)), [.fail(4, .borrowTimeout)])
        XCTAssertEqual(
            pool.metrics,
            .init(open: 2, idle: 0, borrowed: 2, waiting: 0, borrowWaits: 2, borrowTimeouts: 1, opened: 2)
        )
        XCTAssertEqual(pool.giveBack(1, reusable: true), [])
        XCTAssertEqual(pool.borrow(5, user: "app", now: t0), [.lease(5, 1)], "an idle connection is reused")
    }

    func testAnotherUsersIdleConnectionIsClosedToMakeRoom() {
        var pool = self.pool(max: 1)
        _ = pool.borrow(1, user: "app", now: t0)
        _ = pool.opened(1, now: t0)
        XCTAssertEqual(pool.giveBack(1, reusable: true), [])
        XCTAssertEqual(pool.borrow(2, user: "admin", now: t0), [.close(1), .scheduleTimer(t0 + .seconds(1))])
        XCTAssertEqual(
            pool.metrics.open,
            1,
            "the closing connection keeps its slot: the target never sees more than the limit"
        )
        XCTAssertEqual(pool.closed(1), [.open(2, user: "admin", for: 2)])
        XCTAssertEqual(pool.opened(2, now: t0), [.lease(2, 2)])
    }

    func testNotReusableOrTooManyIdleIsClosed() {
        var pool = self.pool(max: 3, idle: 1)
        for request in 1...3 {
            _ = pool.borrow(request, user: "app", now: t0)
            _ = pool.opened(request, now: t0)
        }
        XCTAssertEqual(pool.giveBack(1, reusable: false), [.close(1)])
        XCTAssertEqual(pool.giveBack(2, reusable: true), [])
        XCTAssertEqual(pool.giveBack(3, reusable: true), [.close(3)], "one idle is the most")
        XCTAssertEqual(pool.giveBack(3, reusable: true), [], "a connection given back twice is ignored")
    }

    func testCancelledWaitersAndOpens() {
        var pool = self.pool(max: 1)
        _ = pool.borrow(1, user: "app", now: t0)
        XCTAssertEqual(pool.cancel(1), [.fail(1, .cancelled)], "cancelled while its connection opens")
        XCTAssertEqual(pool.opened(1, now: t0), [], "the connection opened for it goes idle")
        XCTAssertEqual(pool.metrics.idle, 1)
        _ = pool.borrow(2, user: "app", now: t0)
        _ = pool.borrow(3, user: "app", now: t0)
        XCTAssertEqual(pool.cancel(3), [.fail(3, .cancelled)])
        XCTAssertEqual(pool.cancel(3), [])
        XCTAssertEqual(pool.giveBack(1, reusable: true), [])
        XCTAssertEqual(pool.metrics.waiting, 0)
    }

    func testAFailedOpenFailsItsRequestAndTheNextWaiterGetsAnOpen() {
        var pool = self.pool(max: 1)
        _ = pool.borrow(1, user: "app", now: t0)
        _ = pool.borrow(2, user: "app", now: t0)
        let failed = pool.openFailed(1, now: t0)
        XCTAssertEqual(failed.request, 1)
        XCTAssertEqual(failed.actions, [.open(2, user: "app", for: 2)])
    }

    func testShutdownFailsWaitersAndClosesEverything() {
        var pool = self.pool(max: 2)
        for request in 1...2 {
            _ = pool.borrow(request, user: "app", now: t0)
            _ = pool.opened(request, now: t0)
        }
        _ = pool.borrow(3, user: "app", now: t0)
        XCTAssertEqual(pool.shutdown(), [.fail(3, .shutDown)])
        XCTAssertEqual(pool.giveBack(1, reusable: true), [.close(1)], "lent connections close as they come back")
        XCTAssertEqual(pool.borrow(4, user: "app", now: t0), [.fail(4, .shutDown)])
        _ = pool.closed(1)
        XCTAssertFalse(pool.isDrained)
        XCTAssertEqual(pool.giveBack(2, reusable: true), [.close(2)])
        _ = pool.closed(2)
        XCTAssertTrue(pool.isDrained)
        var idle = self.pool()
        _ = idle.borrow(1, user: "app", now: t0)
        _ = idle.opened(1, now: t0)
        _ = idle.giveBack(1, reusable: true)
        XCTAssertEqual(idle.shutdown(), [.close(1)], "idle connections close at once")
    }

    /// The writer failing over: requests wait, nothing opens, no connection to the old writer is lent again, and
    /// the new writer serves the waiters (or the borrow timeout fails them).
    func testWhileTheTargetFailsOverRequestsWaitAndOldConnectionsNeverReturn() {
        var pool = self.pool(max: 3)
        for request in 1...2 {
            _ = pool.borrow(request, user: "app", now: t0)
            _ = pool.opened(request, now: t0)
        }
        _ = pool.borrow(3, user: "app", now: t0)  // opening when the failover begins
        XCTAssertEqual(pool.giveBack(1, reusable: true), [])
        XCTAssertEqual(pool.targetDown(), [.close(1)], "idle connections go to the old writer")
        XCTAssertEqual(
            pool.borrow(4, user: "app", now: t0),
            [.scheduleTimer(t0 + .seconds(1))],
            "nothing opens while it is down"
        )
        XCTAssertEqual(
            pool.opened(3, now: t0),
            [.close(3)],
            "an open that finishes now went to the old writer; its request waits"
        )
        XCTAssertEqual(pool.giveBack(2, reusable: true), [.close(2)], "a lent one is closed when it comes back")
        XCTAssertEqual(pool.metrics.waiting, 2)
        for id in [1, 2, 3] { _ = pool.closed(id) }
        XCTAssertEqual(
            pool.targetUp(),
            [.open(4, user: "app", for: 4), .open(5, user: "app", for: 3)],
            "the new writer serves them in turn"
        )
        XCTAssertEqual(pool.opened(4, now: t0), [.lease(4, 4)])
        XCTAssertEqual(
            pool.openFailed(5, now: t0).request,
            3,
            "after the failover an open that fails fails its request again"
        )

        _ = pool.targetDown()
        XCTAssertEqual(
            pool.borrow(6, user: "app", now: t0 + .seconds(2)),
            [],
            "the timer set for request 4 is still due first"
        )
        XCTAssertEqual(pool.timerFired(now: t0 + .seconds(2)), [.scheduleTimer(t0 + .seconds(3))])
        XCTAssertEqual(
            pool.timerFired(now: t0 + .seconds(3)),
            [.fail(6, .borrowTimeout)],
            "a writer that does not come back: 9501"
        )
    }
}
