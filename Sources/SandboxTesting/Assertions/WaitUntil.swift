/// A condition that did not hold before its deadline.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public var condition: String
    public var deadline: Duration
    public var description: String { "timed out after \(self.deadline) waiting until \(self.condition)" }
}

/// Waits until `condition` holds, checking it every `interval`, and throws `WaitTimedOut` naming `what` once
/// `deadline` has passed: the way tests wait for something that happens on another connection or event loop
/// (a close noticed, a statement arrived, a failover done), instead of sleeping a guessed time.
public func waitUntil(
    _ what: String,
    within deadline: Duration = .seconds(10),
    every interval: Duration = .milliseconds(20),
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let end = clock.now + deadline
    while try await !condition() {
        guard clock.now < end else { throw WaitTimedOut(condition: what, deadline: deadline) }
        try await Task.sleep(for: interval)
    }
}
