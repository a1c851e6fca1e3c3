import Foundation
import NIOConcurrencyHelpers

/// Every statement the server ran, for tests to assert on: who sent it, how (simple or extended protocol), and how
/// it ended.
public final class PostgresQueryLog: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Kind: String, Sendable { case simple, parse, execute }

        public var processID: Int32
        public var user: String
        public var database: String
        public var kind: Kind
        public var statement: String
        /// The SQLSTATE of the error it ended with; nil when it succeeded.
        public var sqlState: String?
        public var date: Date
    }

    private let entries = NIOLockedValueBox<[Entry]>([])
    private let limit = 100_000

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
