import NIOConcurrencyHelpers

/// Clients writing numbered rows as an application does through a failover: each writes row (client, seq), and on
/// an error records it, waits `retryDelay` and writes the same row again (the usual retry loop; a write whose
/// acknowledgement was lost may so be stored twice). Every acknowledgement and error is recorded with its time.
/// Bounded: it stops at `duration` or after `maxWritesPerClient` attempts per client.
public struct WriteWorkload: Sendable {
    /// One attempt's outcome, `at` after the workload started.
    public struct Event: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            case acknowledged
            /// The error as the client saw it (a MySQL code, an HTTP status).
            case failed(String)
        }

        public var row: RowID
        public var at: Duration
        public var outcome: Outcome
    }

    public var clients: Int
    /// The first client's number (two workloads side by side write different rows).
    public var firstClient: Int
    public var duration: Duration
    /// Between a client's acknowledged write and its next one.
    public var pause: Duration
    public var retryDelay: Duration
    public var maxWritesPerClient: Int

    public init(
        clients: Int,
        firstClient: Int = 0,
        duration: Duration,
        pause: Duration = .milliseconds(5),
        retryDelay: Duration = .milliseconds(50),
        maxWritesPerClient: Int = 100_000
    ) {
        self.clients = clients
        self.firstClient = firstClient
        self.duration = duration
        self.pause = pause
        self.retryDelay = retryDelay
        self.maxWritesPerClient = maxWritesPerClient
    }

    /// Runs the clients side by side. `write` stores the row (or throws what the client saw, which `describe` names);
    /// `during`, if given, runs meanwhile (the failover) and is awaited. Events are timed from `start` (now by
    /// default; pass the instant something else measured from, to compare their times).
    public func run(
        startingAt start: ContinuousClock.Instant = .now,
        write: @escaping @Sendable (RowID) async throws -> Void,
        describe: @escaping @Sendable (any Error) -> String,
        during: (@Sendable () async throws -> Void)? = nil
    ) async throws -> [Event] {
        let clock = ContinuousClock()
        let events = NIOLockedValueBox<[Event]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in self.firstClient..<(self.firstClient + self.clients) {
                group.addTask {
                    var seq = 1
                    var attempts = 0
                    while attempts < self.maxWritesPerClient, clock.now - start < self.duration {
                        attempts += 1
                        let row = RowID(client: client, seq: seq)
                        do {
                            try await write(row)
                            events.withLockedValue {
                                $0.append(Event(row: row, at: clock.now - start, outcome: .acknowledged))
                            }
                            seq += 1
                            try await Task.sleep(for: self.pause)
                        } catch is CancellationError {
                            return
                        } catch {
                            events.withLockedValue {
                                $0.append(Event(row: row, at: clock.now - start, outcome: .failed(describe(error))))
                            }
                            try await Task.sleep(for: self.retryDelay)
                        }
                    }
                }
            }
            if let during { group.addTask { try await during() } }
            try await group.waitForAll()
        }
        return events.withLockedValue { $0 }.sorted { $0.at < $1.at }
    }
}

/// What a client saw when a write failed, named as the workload records it (`MySQL 1290`, `PostgreSQL 25006`, `HTTP
/// 502`).
public struct WriteFailure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// A row the workload writes: its client and that client's sequence number.
public struct RowID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var client: Int
    public var seq: Int
    public init(client: Int, seq: Int) {
        self.client = client
        self.seq = seq
    }

    public static func < (a: RowID, b: RowID) -> Bool { (a.client, a.seq) < (b.client, b.seq) }
    public var description: String { "\(self.client)/\(self.seq)" }
}
