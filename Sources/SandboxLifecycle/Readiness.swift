import NIOConcurrencyHelpers

/// A value that becomes known once — the port a server bound, once it accepts connections — or the error that
/// came first. Any number of tasks may wait for it; the first `succeed` or `fail` wins and later ones do nothing.
public final class Readiness<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiters: [Int: CheckedContinuation<Value, any Error>] = [:]
        var nextWaiter = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func succeed(_ value: Value) { self.complete(.success(value)) }

    public func fail(_ error: any Error) { self.complete(.failure(error)) }

    /// The outcome, nil while it is not known yet.
    public var result: Result<Value, any Error>? { self.state.withLockedValue { $0.result } }

    /// Waits for the value and returns it, or throws the failure; a waiting task that is cancelled gets
    /// `CancellationError`.
    public var value: Value {
        get async throws {
            let id = self.state.withLockedValue { state in
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let known = self.state.withLockedValue { state -> Result<Value, any Error>? in
                        if let result = state.result { return result }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state.waiters[id] = continuation
                        return nil
                    }
                    if let known { continuation.resume(with: known) }
                }
            } onCancel: {
                self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
            }
        }
    }

    private func complete(_ result: Result<Value, any Error>) {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Value, any Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
