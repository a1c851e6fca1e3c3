import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs actions at deadlines (a function's timeout, an integration's) with one timer armed on one event loop for
/// all of them: scheduling or cancelling a deadline costs a lock, not a timer of its own or a wake-up of another
/// thread. Actions run on the event loop and must be short (resume a continuation, stop an instance).
public final class DeadlineTimer: Sendable {
    /// A scheduled action, to cancel.
    public struct Token: Sendable, Hashable {
        let id: UInt64
    }

    private let eventLoop: any EventLoop
    private let queue = NIOLockedValueBox(DeadlineQueue<@Sendable () -> Void>())

    public init(eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.eventLoop = eventLoop
    }

    /// Runs `action` once `delay` has passed, unless cancelled first.
    @discardableResult
    public func schedule(in delay: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        let deadline =
            NIODeadline.now()
            + .nanoseconds(
                Int64(delay.components.seconds) * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
            )
        let (id, arm) = self.queue.withLockedValue { $0.add(Int64(deadline.uptimeNanoseconds), action) }
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

    private func arm(_ at: Int64) {
        self.eventLoop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(UInt64(max(at, 0)))) { self.fire() }
    }

    private func fire() {
        let (due, next) = self.queue.withLockedValue { $0.expire(now: Int64(NIODeadline.now().uptimeNanoseconds)) }
        for action in due { action() }
        if let next { self.arm(next) }
    }
}
