import NIOConcurrencyHelpers

/// What was worked out from a statement's text (its translation, shape, normalized form, effect on a proxy's session),
/// kept by the text for every session: applications send the same statements over and over. Bounded: when full it is
/// emptied at once (a burst of distinct texts starts it over).
public final class StatementTextCache<Value: Sendable>: Sendable {
    private let entries = NIOLockedValueBox<[String: Value]>([:])
    private let limit: Int

    public init(limit: Int = 4_096) { self.limit = limit }

    public subscript(text: String) -> Value? { self.entries.withLockedValue { $0[text] } }

    public func keep(_ value: Value, for text: String) {
        self.entries.withLockedValue { entries in
            if entries.count >= self.limit { entries.removeAll(keepingCapacity: true) }
            entries[text] = value
        }
    }
}
