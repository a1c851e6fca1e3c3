import CSandboxSQLite
import Foundation
import SandboxJSON

/// The audit log's SQLite database: one connection, used under `AuditLog`'s write lock only. Writes a batch of
/// events in one transaction through a statement prepared once, keeps the newest `capacity`, and answers queries.
///
/// `@unchecked Sendable`: it holds SQLite's connection and statement handles, used only under the owner's lock.
struct AuditStore: @unchecked Sendable {
    private let handle: OpaquePointer
    private let insert: OpaquePointer
    /// How many of the newest events are kept.
    let capacity: Int64
    /// Events past the capacity are deleted in steps of a tenth of it, so a delete runs once per that many inserts.
    private let trimStep: Int64
    /// How many bytes of events (their text, roughly) are kept: the oldest batches go first.
    let byteLimit: Int
    /// The batches written since the store opened, oldest first: their last id and their bytes.
    private var batches: [(lastID: Int64, bytes: Int)] = []
    private var bytes = 0

    /// Opens (or creates) the database at `path` (`:memory:` when nil), with its schema.
    init(path: String?, capacity: Int, byteLimit: Int) throws(AuditLog.Failure) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path ?? ":memory:", &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open it"
            sqlite3_close(handle)
            throw AuditLog.Failure(
                description: "the state file \(path ?? ":memory:") cannot be opened: \(message); choose another --state"
            )
        }
        let schema = """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS events (
              id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, component TEXT NOT NULL, kind TEXT NOT NULL,
              subject TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, details TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS events_kind ON events (kind, outcome);
            """
        var insert: OpaquePointer?
        let sql =
            "INSERT INTO events (id, at, component, kind, subject, outcome, reason, details) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        guard sqlite3_exec(handle, schema, nil, nil, nil) == SQLITE_OK,
            sqlite3_prepare_v2(handle, sql, -1, &insert, nil) == SQLITE_OK, let insert
        else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw AuditLog.Failure(
                description:
                    "the state file \(path ?? ":memory:") is not an audit log: \(message); choose another --state"
            )
        }
        self.handle = handle
        self.insert = insert
        self.capacity = Int64(max(1, capacity))
        self.trimStep = max(1, self.capacity / 10)
        self.byteLimit = max(1, byteLimit)
    }

    /// The newest id stored (0 when empty): a reopened file's events keep their ids.
    var lastID: Int64 {
        var last: Int64 = 0
        self.select("SELECT COALESCE(MAX(id), 0) FROM events", []) { last = sqlite3_column_int64($0, 0) }
        return last
    }

    /// Stores `events` (ids assigned, secrets already redacted; `bytes` of text as the queue counted them) in one
    /// transaction, then deletes what fell past the capacity or the byte limit.
    mutating func write(_ events: [AuditEvent], bytes: Int) {
        guard let last = events.last?.id else { return }
        sqlite3_exec(self.handle, "BEGIN", nil, nil, nil)
        for event in events {
            let details = JSONValue.object(event.details.mapValues(JSONValue.string)).text
            sqlite3_bind_int64(self.insert, 1, event.id)
            for (index, text) in [
                AuditEvent.timeFormat.format(event.time), event.component, event.kind.rawValue, event.subject,
                event.outcome,
                event.reason, details,
            ].enumerated() {
                sqlite3_bind_text(self.insert, Int32(index + 2), text, -1, Self.transient)
            }
            sqlite3_step(self.insert)
            sqlite3_reset(self.insert)
        }
        let first = events[0].id
        var through: Int64?
        if last > self.capacity, (first - 1) / self.trimStep != last / self.trimStep { through = last - self.capacity }
        self.batches.append((last, bytes))
        self.bytes += self.batches[self.batches.count - 1].bytes
        while self.bytes > self.byteLimit, self.batches.count > 1 {
            let oldest = self.batches.removeFirst()
            self.bytes -= oldest.bytes
            through = max(through ?? 0, oldest.lastID)
        }
        if let through { self.select("DELETE FROM events WHERE id <= ?", [String(through)]) { _ in } }
        sqlite3_exec(self.handle, "COMMIT", nil, nil, nil)
    }

    /// The events `query` selects, oldest first.
    func events(_ query: AuditQuery) -> [AuditEvent] {
        var sql = "SELECT id, at, component, kind, subject, outcome, reason, details FROM events WHERE id > ?"
        var parameters = [String(query.after)]
        if let kind = query.kind {
            sql += " AND kind = ?"
            parameters.append(kind.rawValue)
        }
        if let component = query.component {
            sql += " AND component = ? COLLATE NOCASE"
            parameters.append(component)
        }
        if let outcome = query.outcome {
            sql += " AND outcome = ?"
            parameters.append(outcome)
        }
        if let text = query.containing {
            sql += " AND (instr(subject, ?) OR instr(reason, ?) OR instr(details, ?))"
            parameters += [text, text, text]
        }
        sql = "SELECT * FROM (\(sql) ORDER BY id DESC LIMIT \(max(0, query.limit))) ORDER BY id"
        var events: [AuditEvent] = []
        self.select(sql, parameters) { row in
            let text = { (column: Int32) in sqlite3_column_text(row, column).map { String(cString: $0) } ?? "" }
            guard let kind = AuditEvent.Kind(rawValue: text(3)) else { return }
            let details = ((try? JSONValue(parsing: Array(text(7).utf8)))?.objectValue ?? [:]).compactMapValues(
                \.stringValue
            )
            let time = (try? AuditEvent.timeFormat.parse(text(1))) ?? Date(timeIntervalSince1970: 0)
            events.append(
                AuditEvent(
                    id: sqlite3_column_int64(row, 0),
                    time: time,
                    component: text(2),
                    kind: kind,
                    subject: text(4),
                    outcome: text(5),
                    reason: text(6),
                    details: details
                )
            )
        }
        return events
    }

    func close() {
        sqlite3_finalize(self.insert)
        sqlite3_close_v2(self.handle)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Prepares `sql`, binds `parameters` as text, and calls `row` for each row.
    private func select(_ sql: String, _ parameters: [String], row: (OpaquePointer) -> Void) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(self.handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return }
        defer { sqlite3_finalize(statement) }
        for (index, parameter) in parameters.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), parameter, -1, Self.transient)
        }
        while sqlite3_step(statement) == SQLITE_ROW { row(statement) }
    }
}
