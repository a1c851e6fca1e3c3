import NIOConcurrencyHelpers

/// Why a server refused its latest connections or statements, in more words than the client gets, newest last and
/// at most `limit` kept. Never a password or token.
public final class RecentRefusals: Sendable {
    private let reasons = NIOLockedValueBox<[String]>([])
    private let limit: Int

    public init(limit: Int = 100) { self.limit = limit }

    public var all: [String] { self.reasons.withLockedValue { $0 } }

    public func record(_ reason: String) {
        self.reasons.withLockedValue { reasons in
            reasons.append(reason)
            if reasons.count > self.limit { reasons.removeFirst(reasons.count - self.limit) }
        }
    }
}
