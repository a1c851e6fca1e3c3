import Foundation
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The sandbox's audit log: every decision as an `AuditEvent`, in SQLite — in memory by default, or a file
/// (`sandbox up --state PATH`) that the `sqlite3` CLI reads while the sandbox runs (WAL):
/// `sqlite3 PATH "SELECT at, component, kind, subject, outcome, reason FROM events"`.
///
/// Recording only numbers the event and queues it (a decision costs a lock and an append on the request path).
/// Run as a `Service`, the log writes what is queued in batches, one transaction each, a few milliseconds after the
/// first of a batch arrives; `events(_:)`, `flush()` and `close()` write what is queued first, so a read sees
/// every event recorded before it. The queue is bounded by bytes: a recorder that finds it over `queueLimit` writes
/// it itself. Secrets are redacted when written.
public final class AuditLog: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Events recorded and not yet written.
    private struct Queue {
        var events: [AuditEvent] = []
        var bytes = 0
        var nextID: Int64
        var closed = false
    }

    /// The bytes of queued events (their text, roughly) past which a recorder writes them itself.
    public static let queueLimit = 4 << 20
    /// How long the writer lets a batch gather after its first event.
    static let batchDelay = Duration.milliseconds(20)

    private let queue: NIOLockedValueBox<Queue>
    /// The write lock: held while a batch is taken from the queue and written, so batches land in order.
    private let store: NIOLockedValueBox<AuditStore?>
    private let due: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Whether a `run()` iterates `due` (an AsyncStream has one reader at a time).
    private let writing = NIOLockedValueBox(false)
    /// The file, when not in memory.
    public let path: String?
    private let lock: StateFileLock?
    /// The newest events kept; older ones are deleted as new ones arrive (a sandbox under load runs for hours).
    public let capacity: Int
    /// The bytes of the newest events kept (their text, roughly; SQLite's pages take about half as much again):
    /// what bounds the log's memory when events are long.
    public let byteLimit: Int

    /// `path` nil: in memory. A file another running sandbox holds is refused. The log keeps the newest `capacity`
    /// events, and no more than about `byteLimit` bytes of them.
    public init(path: String? = nil, capacity: Int = 200_000, byteLimit: Int = 16 << 20) throws {
        let lock = try path.map { try StateFileLock(path: $0) }
        let store: AuditStore
        do { store = try AuditStore(path: path, capacity: capacity, byteLimit: byteLimit) } catch {
            lock?.release()
            throw error
        }
        self.capacity = Int(store.capacity)
        self.byteLimit = store.byteLimit
        self.path = path
        self.lock = lock
        self.queue = NIOLockedValueBox(Queue(nextID: store.lastID + 1))
        self.store = NIOLockedValueBox(store)
        (self.due, self.wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    deinit { self.close() }

    /// Queues `event`, numbered here; what a closed log is given is dropped.
    public func record(_ event: AuditEvent) {
        var event = event
        let (first, full) = self.queue.withLockedValue { queue -> (Bool, Bool) in
            guard !queue.closed else { return (false, false) }
            event.id = queue.nextID
            queue.nextID += 1
            queue.events.append(event)
            queue.bytes += event.approximateBytes
            return (queue.events.count == 1, queue.bytes > Self.queueLimit)
        }
        if full { self.flush() } else if first { self.wake.yield() }
    }

    /// Writes every queued event now.
    public func flush() {
        self.store.withLockedValue { store in
            let (batch, bytes) = self.queue.withLockedValue { queue in
                defer { (queue.events, queue.bytes) = ([], 0) }
                return (queue.events, queue.bytes)
            }
            store?.write(batch.map(\.redacted), bytes: bytes)
        }
    }

    /// The events `query` selects, oldest first.
    public func events(_ query: AuditQuery = AuditQuery()) -> [AuditEvent] {
        self.flush()
        return self.store.withLockedValue { $0?.events(query) ?? [] }
    }

    /// Writes what is queued, closes the database and releases the state file for the next sandbox.
    public func close() {
        self.queue.withLockedValue { $0.closed = true }
        self.flush()
        let wasOpen = self.store.withLockedValue { store -> Bool in
            defer { store = nil }
            store?.close()
            return store != nil
        }
        self.wake.finish()
        if wasOpen { self.lock?.release() }
    }
}

extension AuditLog: Service {
    /// Writes queued events in batches until graceful shutdown or cancellation (`close()` writes the rest). One
    /// run writes: a log handed to a second group at the same time leaves the writing to the first.
    public func run() async {
        let due = self.due
        guard
            self.writing.withLockedValue({ writing in
                defer { writing = true }
                return !writing
            })
        else {
            return (try? await gracefulShutdown()) ?? ()
        }
        defer { self.writing.withLockedValue { $0 = false } }
        try? await cancelWhenGracefulShutdown {
            for await _ in due {
                try await Task.sleep(for: Self.batchDelay)
                self.flush()
            }
        }
    }
}

extension AuditEvent {
    /// The bytes of its text, roughly: what the queue's bound counts.
    var approximateBytes: Int {
        self.details.reduce(
            96 + self.component.utf8.count + self.subject.utf8.count + self.outcome.utf8.count + self.reason.utf8.count
        ) {
            $0 + $1.key.utf8.count + $1.value.utf8.count
        }
    }

    /// With secrets redacted from its reason and details.
    var redacted: AuditEvent {
        var event = self
        event.reason = Redaction.redact(key: "reason", value: self.reason)
        event.details = self.details.reduce(into: [:]) { $0[$1.key] = Redaction.redact(key: $1.key, value: $1.value) }
        return event
    }
}
