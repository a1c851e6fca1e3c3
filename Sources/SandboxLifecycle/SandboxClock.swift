import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Time as the sandbox's timers read it (a proxy's idle clients, health checks and borrow timeout): the system's
/// (`SystemClock`), or a `ManualClock` a test moves by hand, so a timeout is tested without waiting for it.
public protocol SandboxClock: Sendable {
    /// Now.
    var now: ContinuousClock.Instant { get }
    /// Runs `action` on `eventLoop` once the clock reaches `deadline`, unless cancelled first.
    @discardableResult
    func schedule(
        at deadline: ContinuousClock.Instant,
        on eventLoop: any EventLoop,
        _ action: @escaping @Sendable () -> Void
    ) -> ClockTimer
}

/// An action a clock holds until its deadline.
public struct ClockTimer: Sendable {
    private let cancelAction: @Sendable () -> Void

    init(cancel: @escaping @Sendable () -> Void) { self.cancelAction = cancel }

    /// Drops the action if it has not run.
    public func cancel() { self.cancelAction() }
}

extension SandboxClock {
    /// Returns once the clock reaches `deadline`; throws `CancellationError` if the task is cancelled first.
    public func sleep(until deadline: ContinuousClock.Instant, on eventLoop: any EventLoop) async throws {
        let timer = NIOLockedValueBox<ClockTimer?>(nil)
        let promise = eventLoop.makePromise(of: Void.self)
        try await withTaskCancellationHandler {
            timer.withLockedValue { $0 = self.schedule(at: deadline, on: eventLoop) { promise.succeed(()) } }
            try await promise.futureResult.get()
        } onCancel: {
            timer.withLockedValue { $0?.cancel() }
            promise.fail(CancellationError())
        }
    }
}

extension SandboxClock {
    /// Returns once `duration` has passed on the clock (its timer on one of the process's event loops); throws
    /// `CancellationError` if the task is cancelled first.
    public func sleep(for duration: Duration) async throws {
        try await self.sleep(until: self.now + duration, on: MultiThreadedEventLoopGroup.singleton.any())
    }
}

/// The system's monotonic clock; actions are scheduled tasks of their event loop.
public struct SystemClock: SandboxClock {
    public init() {}

    public var now: ContinuousClock.Instant { .now }

    public func schedule(
        at deadline: ContinuousClock.Instant,
        on eventLoop: any EventLoop,
        _ action: @escaping @Sendable () -> Void
    ) -> ClockTimer {
        let scheduled = eventLoop.scheduleTask(in: TimeAmount(deadline - .now)) { action() }
        return ClockTimer { scheduled.cancel() }
    }
}

/// A clock that moves only when `advance(by:)` is called: the actions whose deadline it passes then run on their
/// event loops, oldest deadline first.
public final class ManualClock: SandboxClock {
    private struct Pending {
        var deadline: ContinuousClock.Instant
        var eventLoop: any EventLoop
        var action: @Sendable () -> Void
    }

    private struct State {
        var now: ContinuousClock.Instant
        var pending: [UInt64: Pending] = [:]
        var nextID: UInt64 = 0
    }

    private let state: NIOLockedValueBox<State>

    /// A clock that reads `start` until it is advanced.
    public init(start: ContinuousClock.Instant = .now) {
        self.state = NIOLockedValueBox(State(now: start))
    }

    public var now: ContinuousClock.Instant { self.state.withLockedValue { $0.now } }

    /// Actions waiting for the clock.
    public var pendingCount: Int { self.state.withLockedValue { $0.pending.count } }

    public func schedule(
        at deadline: ContinuousClock.Instant,
        on eventLoop: any EventLoop,
        _ action: @escaping @Sendable () -> Void
    ) -> ClockTimer {
        let (id, due) = self.state.withLockedValue { state in
            defer { state.nextID += 1 }
            guard deadline > state.now else { return (state.nextID, true) }
            state.pending[state.nextID] = Pending(deadline: deadline, eventLoop: eventLoop, action: action)
            return (state.nextID, false)
        }
        if due { eventLoop.execute(action) }
        return ClockTimer { _ = self.state.withLockedValue { $0.pending.removeValue(forKey: id) } }
    }

    /// Moves the clock forward by `duration` and runs what fell due.
    public func advance(by duration: Duration) {
        let due = self.state.withLockedValue { state in
            state.now += duration
            let due = state.pending.filter { $0.value.deadline <= state.now }.sorted {
                ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key)
            }
            for (id, _) in due { state.pending[id] = nil }
            return due.map(\.value)
        }
        for pending in due { pending.eventLoop.execute(pending.action) }
    }
}
