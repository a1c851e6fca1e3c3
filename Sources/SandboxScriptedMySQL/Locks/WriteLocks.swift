import Foundation
import NIOConcurrencyHelpers

/// The server's write locks: `WriteLockTable` under a lock, the waiters' continuations, and each wait bounded
/// by the session's innodb_lock_wait_timeout.
final class WriteLocks: Sendable {
    enum Outcome: Sendable, Equatable {
        case granted
        case timedOut
        case deadlock
    }

    private struct State {
        var table = WriteLockTable()
        var waiters: [WriteLockTable.Key: CheckedContinuation<Outcome, Never>] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Waits until `session` may write to `schema`, at most `timeout`.
    func acquire(_ schema: String, session: UInt32, timeout: Duration) async -> Outcome {
        let key = WriteLockTable.Key(schema: schema, session: session)
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let answer: Outcome? = self.state.withLockedValue { state in
                        switch state.table.request(schema, session: session) {
                        case .granted, .held: return .granted
                        case .deadlock: return .deadlock
                        case .queued:
                            state.waiters[key] = continuation
                            return nil
                        }
                    }
                    if let answer { continuation.resume(returning: answer) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            if let first {
                group.cancelAll()
                return first
            }
            // The wait timed out, unless the grant raced it.
            let waiter = self.state.withLockedValue { state in
                state.table.cancel(schema, session: session) ? state.waiters.removeValue(forKey: key) : nil
            }
            waiter?.resume(returning: .timedOut)
            let rest = await group.next()
            return (rest ?? nil) ?? .timedOut
        }
    }

    /// Releases every lock of `session` (its transaction ended, or it is gone) and wakes the next waiters.
    func release(session: UInt32) {
        let wake: [(CheckedContinuation<Outcome, Never>, Outcome)] = self.state.withLockedValue { state in
            var wake: [(CheckedContinuation<Outcome, Never>, Outcome)] = []
            if let schema = state.table.waiting[session],
                let own = state.waiters.removeValue(forKey: .init(schema: schema, session: session))
            {
                wake.append((own, .timedOut))
            }
            for key in state.table.release(session: session) {
                if let next = state.waiters.removeValue(forKey: key) { wake.append((next, .granted)) }
            }
            return wake
        }
        for (continuation, outcome) in wake { continuation.resume(returning: outcome) }
    }
}
