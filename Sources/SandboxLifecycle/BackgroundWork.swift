/// Work handed to a service's `run()`, which runs each item as a child task of its own task group: work that
/// outlives the request that started it (an Event invocation, an invocation whose integration timed out) stays
/// structured, and is awaited when the service stops.
public struct BackgroundWork: Sendable {
    public typealias Item = @Sendable () async -> Void
    private let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation

    public init() { (self.items, self.continuation) = AsyncStream.makeStream() }

    /// Queues `item` for `run()`; after `finish()` it is dropped, and the answer is false.
    @discardableResult
    public func add(_ item: @escaping Item) -> Bool {
        if case .terminated = self.continuation.yield(item) { return false }
        return true
    }

    /// No more items: `run()` returns once those started have ended.
    public func finish() { self.continuation.finish() }

    /// Runs each item as it comes, concurrently, until `finish()`; then waits for those still running.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await item in self.items { group.addTask { await item() } }
        }
    }
}
