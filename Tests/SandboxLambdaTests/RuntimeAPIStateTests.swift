import XCTest

@testable import SandboxLambda

/// The Runtime API of one instance as a value: polls, invocations, answers, init errors, exits, stops.
final class RuntimeAPIStateTests: XCTestCase {
    private let boom = FunctionError(
        errorType: "Runtime.ExitError",
        errorMessage: "Runtime exited with error: exit status 1"
    )

    func testFirstPollInitializesThenInvocationsAlternateWithPolls() {
        var state = RuntimeAPIState()
        XCTAssertEqual(state.nextPolled(), [.initialized, .park])
        XCTAssertEqual(state.invocationArrived("a"), .deliver("a"))
        XCTAssertEqual(state.answered("a", .response([1])), .complete(.response([1])))
        XCTAssertEqual(state.answered("a", .response([1])), .rejectUnknownRequest, "an answer counts once")
        XCTAssertEqual(state.invocationArrived("b"), .none, "no poll waiting: the invocation is queued")
        XCTAssertEqual(state.nextPolled(), [.deliver("b")])
        XCTAssertEqual(state.answered("other", .response([])), .rejectUnknownRequest)
        XCTAssertEqual(state.answered("b", .error(self.boom)), .complete(.error(self.boom)))
    }

    func testASecondParkedPollIsRefused() {
        var state = RuntimeAPIState()
        _ = state.nextPolled()
        XCTAssertEqual(state.nextPolled(), [.rejectPoll])
    }

    func testInitErrorAndExitBeforeThePollFailInitialization() {
        var failed = RuntimeAPIState()
        XCTAssertEqual(failed.initErrorPosted(self.boom), .failInit(self.boom))
        XCTAssertEqual(failed.nextPolled(), [.rejectPoll])
        var exited = RuntimeAPIState()
        XCTAssertEqual(exited.ended(self.boom), .failInit(self.boom))
    }

    func testExitDuringAnInvocationCrashesIt() {
        var state = RuntimeAPIState()
        _ = state.nextPolled()
        _ = state.invocationArrived("a")
        XCTAssertEqual(state.ended(self.boom), .complete(.crashed(self.boom)))
        XCTAssertEqual(
            state.invocationArrived("b"),
            .complete(.crashed(FunctionError(errorType: "Runtime.ExitError", errorMessage: "the runtime is gone")))
        )
    }

    func testStopIsATimeoutForTheInvocationInFlight() {
        var state = RuntimeAPIState()
        _ = state.nextPolled()
        _ = state.invocationArrived("a")
        XCTAssertEqual(state.ended(nil), .complete(.timedOut))
        var idle = RuntimeAPIState()
        _ = idle.nextPolled()
        XCTAssertEqual(idle.ended(self.boom), .none, "an idle instance that exits just goes away")
    }
}
