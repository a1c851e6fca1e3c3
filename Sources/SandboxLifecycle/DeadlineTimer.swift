import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs actions at deadlines (a function's timeout, an integration's) with one timer armed on one event loop for
/// all of them: scheduling or cancelling a deadline costs a lock, not a timer of its own or a wake-up of another
/// thread. Actions run on the event loop and must be short (resume a continuation, stop an instance). Time is the
/// clock's: a test's `ManualClock` makes deadlines pass when it is advanced.
public final class DeadlineTimer: Sendable {
    /// A scheduled action, to cancel.
    public struct Token: Sendable, Hashable {
        let id: UInt64
    }

    private let eventLoop: any EventLoop
    private let clock: any SandboxClock
    /// Deadlines are kept as nanoseconds since this instant of the clock.
    private let origin: ContinuousClock.Instant
    private let queue = NIOLockedValueBox(DeadlineQueue<@Sendable () -> Void>())

    public init(
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(),
        clock: any SandboxClock = SystemClock()
    ) {
        self.eventLoop = eventLoop
        self.clock = clock
        self.origin = clock.now
    }

    /// Runs `action` once `delay` has passed, unless cancelled first.
    @discardableResult
    public func schedule(in delay: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        let deadline = self.nanoseconds(at: self.clock.now + delay)
        let (id, arm) = self.queue.withLockedValue { $0.add(deadline, action) }
        if let arm { self.arm(arm) }
        return Token(id: id)
    }

    /// Cancels `token`'s action; false when it has run (or was cancelled) already.
    @discardableResult
    public func cancel(_ token: Token) -> Bool {
        self.queue.withLockedValue { $0.cancel(token.id) }
    }

    /// Deadlines pending.
    public var pending: Int { self.queue.withLockedValue { $0.count } }

    private func nanoseconds(at instant: ContinuousClock.Instant) -> Int64 {
        let elapsed = instant - self.origin
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }

    private func arm(_ at: Int64) {
        self.clock.schedule(at: self.origin + .nanoseconds(at), on: self.eventLoop) { self.fire(armedFor: at) }
    }

    /// The clock says `armedFor` has come (even if reading it again rounds a nanosecond short).
    private func fire(armedFor: Int64) {
        let now = max(self.nanoseconds(at: self.clock.now), armedFor)
        let (due, next) = self.queue.withLockedValue { $0.expire(now: now) }
        for action in due { action() }
        if let next { self.arm(next) }
    }
}
