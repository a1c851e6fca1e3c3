import CSQLite
import Foundation
import NIOConcurrencyHelpers

/// The sandbox's audit log: every decision as an `AuditEvent`, in SQLite — in memory by default, or a file
/// (`sandbox up --state PATH`) that the `sqlite3` CLI reads while the sandbox runs (WAL):
/// `sqlite3 PATH "SELECT at, component, kind, subject, outcome, reason FROM events"`.
/// One connection behind one lock: recording is the only writer.
public final class AuditLog: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private struct Connection: @unchecked Sendable {
        let handle: OpaquePointer
    }

    private let connection: NIOLockedValueBox<Connection?>
    /// The file, when not in memory.
    public let path: String?
    private let lock: StateFileLock?
    /// The newest events kept; older ones are deleted as new ones arrive (a sandbox under load runs for hours).
    public let capacity: Int

    /// `path` nil: in memory. A file another running sandbox holds is refused.
    public init(path: String? = nil, capacity: Int = 200_000) throws {
        self.capacity = max(1, capacity)
        let lock = try path.map { try StateFileLock(path: $0) }
        self.path = path
        self.lock = lock
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path ?? ":memory:", &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open it"
            sqlite3_close(handle)
            lock?.release()
            throw Failure(description: "the state file \(path ?? ":memory:") cannot be opened: \(message); choose another --state")
        }
        self.connection = NIOLockedValueBox(Connection(handle: handle))
        let schema = """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS events (
              id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, component TEXT NOT NULL, kind TEXT NOT NULL,
              subject TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, details TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS events_kind ON events (kind, outcome);
            """
        guard sqlite3_exec(handle, schema, nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            self.close()
            throw Failure(description: "the state file \(path ?? ":memory:") is not an audit log: \(message); choose another --state")
        }
    }

    deinit { self.close() }

    /// Closes the database and releases the state file for the next sandbox.
    public func close() {
        let wasOpen = self.connection.withLockedValue { connection -> Bool in
            guard let handle = connection?.handle else { return false }
            sqlite3_close_v2(handle)
            connection = nil
            return true
        }
        if wasOpen { self.lock?.release() }
    }

    /// Stores `event` (its id and time are assigned here); what a closed log is given is dropped.
    public func record(_ event: AuditEvent) {
        let details = (try? JSONEncoder().encode(event.details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let time = AuditEvent.timeFormat.format(event.time)
        self.connection.withLockedValue { connection in
            guard let handle = connection?.handle else { return }
            let sql = "INSERT INTO events (at, component, kind, subject, outcome, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?)"
            Self.run(handle, sql, [time, event.component, event.kind.rawValue, event.subject, event.outcome, event.reason, details]) { _ in }
            let id = sqlite3_last_insert_rowid(handle)
            // Trimmed in steps of a tenth of the capacity, so a delete runs once per that many inserts.
            let step = Int64(max(1, self.capacity / 10))
            if id > Int64(self.capacity), id % step == 0 {
                Self.run(handle, "DELETE FROM events WHERE id <= ?", [String(id - Int64(self.capacity))]) { _ in }
            }
        }
    }

    /// The events `query` selects, oldest first.
    public func events(_ query: AuditQuery = AuditQuery()) -> [AuditEvent] {
        var sql = "SELECT id, at, component, kind, subject, outcome, reason, details FROM events WHERE id > ?"
        var parameters = [String(query.after)]
        if let kind = query.kind { sql += " AND kind = ?"; parameters.append(kind.rawValue) }
        if let component = query.component { sql += " AND component = ? COLLATE NOCASE"; parameters.append(component) }
        if let outcome = query.outcome { sql += " AND outcome = ?"; parameters.append(outcome) }
        if let text = query.containing {
            sql += " AND (instr(subject, ?) OR instr(reason, ?) OR instr(details, ?))"
            parameters += [text, text, text]
        }
        sql = "SELECT * FROM (\(sql) ORDER BY id DESC LIMIT \(max(0, query.limit))) ORDER BY id"
        var events: [AuditEvent] = []
        self.connection.withLockedValue { connection in
            guard let handle = connection?.handle else { return }
            Self.run(handle, sql, parameters) { row in
                let text = { (column: Int32) in sqlite3_column_text(row, column).map { String(cString: $0) } ?? "" }
                guard let kind = AuditEvent.Kind(rawValue: text(3)) else { return }
                let details = (try? JSONDecoder().decode([String: String].self, from: Data(text(7).utf8))) ?? [:]
                let time = (try? AuditEvent.timeFormat.parse(text(1))) ?? Date(timeIntervalSince1970: 0)
                events.append(AuditEvent(id: sqlite3_column_int64(row, 0), time: time, component: text(2), kind: kind, subject: text(4),
                                         outcome: text(5), reason: text(6), details: details))
            }
        }
        return events
    }

    /// Prepares `sql`, binds `parameters` as text, and calls `row` for each row.
    private static func run(_ handle: OpaquePointer, _ sql: String, _ parameters: [String], row: (OpaquePointer) -> Void) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, parameter) in parameters.enumerated() { sqlite3_bind_text(statement, Int32(index + 1), parameter, -1, transient) }
        while sqlite3_step(statement) == SQLITE_ROW { row(statement) }
    }
}

/// `PATH.lock`, held (flock) while a sandbox records into PATH, with its pid: a second `sandbox up --state PATH`
/// is refused instead of writing into the first one's log.
struct StateFileLock: Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path + ".lock"
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(self.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AuditLog.Failure(description: "the state file \(path) cannot be locked (\(String(cString: strerror(errno)))); choose another --state")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: self.path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw AuditLog.Failure(description: "the state file \(path) is in use by another sandbox\(holder.isEmpty ? "" : " (pid \(holder))"); "
                                   + "stop it with `sandbox down` or choose another --state")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    func release() {
        unlink(self.path)
        close(self.descriptor)
    }
}
