import Foundation
import NIOConcurrencyHelpers

/// Every statement the server received, for tests to assert on.
public final class QueryLog: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Kind: String, Sendable { case query, prepare, execute }
        public enum Outcome: Sendable, Equatable {
            case ok(affectedRows: UInt64)
            case rows(Int)
            case error(code: UInt16)
            case dropped
        }

        public var connectionID: UInt32
        public var user: String
        public var database: String?
        public var kind: Kind
        public var statement: String
        public var outcome: Outcome
        /// Whether a script rule decided the answer.
        public var scripted: Bool
        public var date: Date
    }

    private let entries = NIOLockedValueBox<[Entry]>([])
    private let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    public var all: [Entry] { self.entries.withLockedValue { $0 } }
    public var statements: [String] { self.all.map(\.statement) }

    public func clear() { self.entries.withLockedValue { $0.removeAll() } }

    func record(_ entry: Entry) {
        self.entries.withLockedValue {
            if $0.count >= self.limit { $0.removeFirst($0.count / 2) }
            $0.append(entry)
        }
    }
}
