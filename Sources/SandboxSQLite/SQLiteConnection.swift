import CSandboxSQLite
import Foundation

/// One SQLite connection (a database's file), used by one session at a time, reading and binding values as the
/// server's own `Value` type. The scripted MySQL and PostgreSQL backends keep their data this way.
public final class SQLiteConnection<Value: SQLiteValueConvertible> {
    public struct Column: Sendable {
        public var name: String
        /// The type the column was declared with (`INTEGER`, `TIMESTAMPTZ`), nil for an expression.
        public var declaredType: String?
    }

    public struct Result {
        public var columns: [Column]
        public var rows: [[Value]]
        public var changes: Int
        public var lastInsertRowID: Int64
    }

    public struct Failure: Error {
        public var code: Int32
        public var message: String
    }

    private let handle: OpaquePointer
    /// Prepared single statements by their text, reused as MySQL's own statement cache would (reset and rebound
    /// each time); finalized all at once when full, and at close.
    private var prepared: [String: OpaquePointer] = [:]
    static var preparedLimit: Int { 256 }

    /// Opens (creating) the file at `path`; `functions` registers the dialect's SQL functions on the handle.
    public init(path: String, functions: (OpaquePointer) -> Void = { _ in }) throws(Failure) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close(handle)
            throw Failure(code: SQLITE_CANTOPEN, message: message)
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
        functions(handle)
        // synchronous=OFF first: switching a new file to WAL would otherwise sync it to disk under the default FULL.
        _ = try? self.execute("PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON")
    }

    deinit {
        self.finalizePrepared()
        sqlite3_close_v2(self.handle)
    }

    private func finalizePrepared() {
        for statement in self.prepared.values { sqlite3_finalize(statement) }
        self.prepared.removeAll()
    }

    /// Stops the statement running now (from any thread): it fails with SQLITE_INTERRUPT. A CancelRequest does this.
    public func interrupt() { sqlite3_interrupt(self.handle) }

    public var isInTransaction: Bool { sqlite3_get_autocommit(self.handle) == 0 }

    /// With a budget, a statement is interrupted (SQLITE_INTERRUPT) once it has run about that many virtual
    /// machine instructions.
    public var instructionBudget: Int32? {
        didSet {
            guard self.instructionBudget != oldValue else { return }
            if let budget = self.instructionBudget {
                sqlite3_progress_handler(self.handle, budget, { _ in 1 }, nil)
            } else {
                sqlite3_progress_handler(self.handle, 0, nil, nil)
            }
        }
    }

    /// A transaction that has read (holding a snapshot) and not written yet.
    public var hasReadOnlySnapshot: Bool {
        self.isInTransaction && sqlite3_txn_state(self.handle, "main") == SQLITE_TXN_READ
    }

    /// Runs every statement in `sql` (binding `parameters` to the last one); returns the last one's result.
    @discardableResult
    public func execute(_ sql: String, parameters: [Value] = []) throws(Failure) -> Result {
        if let statement = self.prepared[sql] { return try self.run(statement, parameters: parameters) }
        var remaining = sql
        var result = Result(columns: [], rows: [], changes: 0, lastInsertRowID: 0)
        while !remaining.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let (statement, tail) = try self.prepare(remaining)
            guard let statement else {
                remaining = tail
                continue
            }
            let last = tail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            if last, remaining == sql {  // one statement: kept for the next time this text comes
                if self.prepared.count >= Self.preparedLimit { self.finalizePrepared() }
                self.prepared[sql] = statement
                return try self.run(statement, parameters: parameters)
            }
            remaining = tail
            defer { sqlite3_finalize(statement) }
            if last { try self.bind(parameters, to: statement) }
            result = try self.step(statement)
        }
        return result
    }

    /// Binds `parameters` to a kept statement, runs it, and resets it (releasing what it holds) whatever happened.
    private func run(_ statement: OpaquePointer, parameters: [Value]) throws(Failure) -> Result {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try self.bind(parameters, to: statement)
        return try self.step(statement)
    }

    /// The parameter count and result columns of `sql` without running it.
    public func describe(_ sql: String) throws(Failure) -> (parameterCount: Int, columns: [Column]) {
        let (statement, _) = try self.prepare(sql)
        guard let statement else { return (0, []) }
        defer { sqlite3_finalize(statement) }
        return (Int(sqlite3_bind_parameter_count(statement)), Self.columns(of: statement))
    }

    private func prepare(_ sql: String) throws(Failure) -> (OpaquePointer?, String) {
        var statement: OpaquePointer?
        var tailOffset = 0
        let code = sql.withCString { base -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(self.handle, base, -1, &statement, &tail)
            tailOffset = tail.map { $0 - base } ?? strlen(base)
            return code
        }
        guard code == SQLITE_OK else { throw self.failure(code) }
        let utf8 = Array(sql.utf8)
        return (statement, String(decoding: utf8[min(tailOffset, utf8.count)...], as: UTF8.self))
    }

    private func bind(_ parameters: [Value], to statement: OpaquePointer) throws(Failure) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            let code: Int32 =
                switch value.sqliteValue {
                case .null: sqlite3_bind_null(statement, position)
                case let .integer(v): sqlite3_bind_int64(statement, position, v)
                case let .double(v): sqlite3_bind_double(statement, position, v)
                case let .text(v): sqlite3_bind_text(statement, position, v, -1, transient)
                case let .bytes(v):
                    v.withUnsafeBytes {
                        sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), transient)
                    }
                }
            guard code == SQLITE_OK else { throw self.failure(code) }
        }
    }

    private func step(_ statement: OpaquePointer) throws(Failure) -> Result {
        let columns = Self.columns(of: statement)
        var rows: [[Value]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw self.failure(code) }
            rows.append((0..<Int32(columns.count)).map { Value(sqlite: Self.value(statement, $0)) })
        }
        let changes = sqlite3_stmt_readonly(statement) == 0 ? Int(sqlite3_changes(self.handle)) : 0
        return Result(
            columns: columns,
            rows: rows,
            changes: changes,
            lastInsertRowID: sqlite3_last_insert_rowid(self.handle)
        )
    }

    private static func columns(of statement: OpaquePointer) -> [Column] {
        (0..<sqlite3_column_count(statement)).map { index in
            Column(
                name: String(cString: sqlite3_column_name(statement, index)),
                declaredType: sqlite3_column_decltype(statement, index).map { String(cString: $0) }
            )
        }
    }

    private static func value(_ statement: OpaquePointer, _ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            // By length, not to the first NUL; bytes that are not UTF-8 stay bytes.
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let pointer = sqlite3_column_text(statement, index) else { return .text("") }
            let bytes = Array(UnsafeRawBufferPointer(start: pointer, count: count))
            return String(validating: bytes, as: UTF8.self).map(SQLiteValue.text) ?? .bytes(bytes)
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let pointer = sqlite3_column_blob(statement, index) else { return .bytes([]) }
            return .bytes(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    private func failure(_ code: Int32) -> Failure {
        Failure(code: code, message: String(cString: sqlite3_errmsg(self.handle)))
    }
}
