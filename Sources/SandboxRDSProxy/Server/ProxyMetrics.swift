import NIOConcurrencyHelpers

/// Which clients are pinned.
final class ProxyMetrics: Sendable {
    private let pinnedSessions = NIOLockedValueBox<Set<UInt32>>([])
    var pinned: Int { self.pinnedSessions.withLockedValue { $0.count } }
    func update(pinned: Bool, session: UInt32) {
        self.pinnedSessions.withLockedValue { _ = pinned ? $0.insert(session).inserted : ($0.remove(session) != nil) }
    }
    func forget(_ session: UInt32) { self.pinnedSessions.withLockedValue { _ = $0.remove(session) } }
}
