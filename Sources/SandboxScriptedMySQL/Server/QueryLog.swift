import Foundation
import NIOConcurrencyHelpers

/// Every statement the server received, for tests to assert on, and those running now (what `SHOW PROCESSLIST` lists).
public final class QueryLog: Sendable {
    /// A statement that has arrived and not yet been answered (it may be waiting for a lock or sleeping).
    public struct Running: Sendable, Equatable {
        public var connectionID: UInt32
        public var user: String
        public var statement: String
        public var since: ContinuousClock.Instant
    }

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
    private let inFlight = NIOLockedValueBox<[UInt32: Running]>([:])
    private let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    public var all: [Entry] { self.entries.withLockedValue { $0 } }
    public var statements: [String] { self.all.map(\.statement) }

    /// The statements running now, oldest first: those that wait (a lock, SLEEP(), a script's delay) or run on the
    /// blocking pool; a read answered at once on its connection's event loop is over before anyone could look.
    public var running: [Running] { self.inFlight.withLockedValue { Array($0.values) }.sorted { $0.since < $1.since } }

    public func clear() { self.entries.withLockedValue { $0.removeAll() } }

    /// A statement arrived on `connectionID` (a connection runs one at a time); `record` ends it.
    func started(_ statement: String, connectionID: UInt32, user: String) {
        self.inFlight.withLockedValue {
            $0[connectionID] = Running(connectionID: connectionID, user: user, statement: statement, since: .now)
        }
    }

    /// The statement on `connectionID` was answered, or its connection closed.
    func ended(connectionID: UInt32) { _ = self.inFlight.withLockedValue { $0.removeValue(forKey: connectionID) } }

    func record(_ entry: Entry) {
        self.ended(connectionID: entry.connectionID)
        self.entries.withLockedValue {
            if $0.count >= self.limit { $0.removeFirst($0.count / 2) }
            $0.append(entry)
        }
    }
}
