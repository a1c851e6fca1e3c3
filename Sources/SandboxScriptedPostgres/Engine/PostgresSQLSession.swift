import Foundation
import SandboxPostgresWire
import SandboxSQLite

/// One connection's SQL: its database's SQLite file, its settings and its transaction, with PostgreSQL's statements
/// that SQLite has no words for (SET, SHOW, RESET, DISCARD, LISTEN, transactions) handled here. Used by one thread at
/// a time (the server's blocking pool).
///
/// `@unchecked Sendable`: it owns a SQLite connection handle, and the protocol's state machine never lets two
/// commands of one connection overlap, so one command at a time touches it, whichever thread runs it.
final class PostgresSQLSession: @unchecked Sendable {
    struct Column: Equatable {
        var name: String
        var type: PostgresType
        /// `atttypmod`: a length (varchar(80): 84) or precision and scale (numeric(10,2): 655366); -1 for none.
        var modifier: Int32 = -1
    }

    /// What one statement produced: its columns (nil: no rows, NoData), rows, command tag, and parameters to report.
    struct Outcome {
        var columns: [Column]?
        var rows: [[SQLiteValue]] = []
        var tag: String
        var reported: [(String, String)] = []
    }

    enum TransactionState { case idle, open, failed }

    private let connection: SQLiteConnection<SQLiteValue>
    private let translator: PostgresToSQLite
    private(set) var settings: SessionSettings
    private(set) var transaction = TransactionState.idle
    /// Whether the server is a reader now (a promotion changes it under open sessions).
    let readOnly: @Sendable () -> Bool

    init(
        path: String,
        user: String,
        database: String,
        settings: SessionSettings,
        readOnly: @escaping @Sendable () -> Bool,
        functions: @escaping (OpaquePointer) -> Void
    ) throws(PostgresError) {
        do {
            self.connection = try SQLiteConnection(path: path, functions: functions)
        } catch {
            throw PostgresError(
                .fatal,
                "58030",
                "could not open the data of database \"\(database)\": \(error.message)"
            )
        }
        self.translator = PostgresToSQLite(user: user, database: database)
        (self.settings, self.readOnly) = (settings, readOnly)
    }

    deinit {
        if self.connection.isInTransaction { _ = try? self.connection.execute("ROLLBACK") }
    }

    var status: BackendMessage.TransactionStatus {
        switch self.transaction {
        case .idle: .idle
        case .open: .inTransaction
        case .failed: .failed
        }
    }

    /// Stops the statement running now, from any thread (a CancelRequest).
    func interrupt() { self.connection.interrupt() }

    // MARK: Running

    /// The statement of an extended-protocol query, tokenised once per text (drivers send the same few again and
    /// again); forgotten all at once when full, as the SQLite statement cache is.
    func statement(_ query: String) -> PostgresSQLText {
        if let known = self.statements[query] { return known }
        if self.statements.count >= 256 { self.statements.removeAll(keepingCapacity: true) }
        let statement = PostgresSQLText(query).trimmed
        self.statements[query] = statement
        return statement
    }

    private var statements: [String: PostgresSQLText] = [:]

    /// `run` within an instruction budget (nil: none); nil when the statement ran over it, with the transaction as
    /// it was (only reads are run so: SQLite rolls nothing back for an interrupted read).
    func run(
        _ statement: PostgresSQLText,
        parameters: [SQLiteValue] = [],
        within budget: Int32?
    ) throws(PostgresError) -> Outcome? {
        guard let budget else { return try self.run(statement, parameters: parameters) }
        let transaction = self.transaction
        self.connection.instructionBudget = budget
        defer { self.connection.instructionBudget = nil }
        do {
            return try self.run(statement, parameters: parameters)
        } catch  where error.sqlState == PostgresSQLError.interrupted {
            self.transaction = transaction
            return nil
        }
    }

    func run(_ statement: PostgresSQLText, parameters: [SQLiteValue] = []) throws(PostgresError) -> Outcome {
        let words = statement.leadingWords(3)
        let verb = words.first ?? ""
        if self.transaction == .failed, !["ROLLBACK", "ABORT", "COMMIT", "END"].contains(verb),
            !(verb == "ROLLBACK" && words.dropFirst().first == "TO")
        {
            throw PostgresError(
                .error,
                "25P02",
                "current transaction is aborted, commands ignored until end of transaction block"
            )
        }
        do {
            return try self.dispatch(statement, words: words, parameters: parameters)
        } catch {
            if self.transaction == .open { self.transaction = .failed }
            throw error
        }
    }

    private func dispatch(
        _ statement: PostgresSQLText,
        words: [String],
        parameters: [SQLiteValue]
    ) throws(PostgresError) -> Outcome {
        switch words.first ?? "" {
        case "BEGIN", "START":
            if self.transaction == .idle {
                try self.sqlite("BEGIN")
                self.transaction = .open
            }
            return Outcome(columns: nil, tag: "BEGIN")
        case "COMMIT", "END":
            let failed = self.transaction == .failed
            if self.connection.isInTransaction { try self.sqlite(failed ? "ROLLBACK" : "COMMIT") }
            self.transaction = .idle
            return Outcome(columns: nil, tag: failed ? "ROLLBACK" : "COMMIT")
        case "ROLLBACK" where words.dropFirst().first == "TO", "SAVEPOINT", "RELEASE":
            try self.sqlite(self.translator.translate(statement))
            if words.first == "ROLLBACK" { self.transaction = .open }
            return Outcome(columns: nil, tag: words.first == "ROLLBACK" ? "ROLLBACK" : words[0])
        case "ROLLBACK", "ABORT":
            if self.connection.isInTransaction { try self.sqlite("ROLLBACK") }
            self.transaction = .idle
            return Outcome(columns: nil, tag: "ROLLBACK")
        case "SET": return try self.set(statement)
        case "SHOW": return try self.show(statement)
        case "RESET":
            let name = statement.significant.dropFirst().first?.text ?? ""
            if name.uppercased() == "ALL" {
                return Outcome(columns: nil, tag: "RESET", reported: self.settings.resetAll())
            }
            return Outcome(columns: nil, tag: "RESET", reported: [try self.settings.reset(name)].compactMap { $0 })
        case "DISCARD":
            return Outcome(
                columns: nil,
                tag: "DISCARD \(words.dropFirst().first ?? "ALL")",
                reported: self.settings.resetAll()
            )
        case "LISTEN", "UNLISTEN", "NOTIFY", "DEALLOCATE", "LOAD", "CHECKPOINT", "VACUUM", "ANALYZE":
            return Outcome(
                columns: nil,
                tag: words.first == "DEALLOCATE" && words.dropFirst().first == "ALL" ? "DEALLOCATE ALL" : words[0]
            )
        case "CREATE" where ["EXTENSION", "SCHEMA"].contains(words.dropFirst().first ?? ""):
            return Outcome(columns: nil, tag: "CREATE \(words[1])")
        case "COPY":
            throw PostgresError(
                .error,
                "0A000",
                "COPY is not supported by the scripted PostgreSQL backend",
                hint: "Load the rows with INSERT statements."
            )
        case "PREPARE", "EXECUTE":
            throw PostgresError(
                .error,
                "0A000",
                "SQL-level \(words[0]) is not supported by the scripted PostgreSQL backend",
                hint: "Use the extended query protocol (your driver's parameterised queries)."
            )
        default:
            return try self.query(statement, verb: words.first ?? "", parameters: parameters)
        }
    }

    /// The object kinds a CREATE, DROP or ALTER command tag names.
    private static let objectKinds: Set<String> = ["TABLE", "INDEX", "VIEW", "SEQUENCE", "TRIGGER", "DATABASE"]

    private func query(
        _ statement: PostgresSQLText,
        verb: String,
        parameters: [SQLiteValue]
    ) throws(PostgresError) -> Outcome {
        if self.readOnly(), ["INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "TRUNCATE"].contains(verb) {
            throw PostgresError(.error, "25006", "cannot execute \(verb) in a read-only transaction")
        }
        let result: SQLiteConnection<SQLiteValue>.Result
        do {
            result = try self.connection.execute(self.translator.translate(statement), parameters: parameters)
        } catch {
            throw PostgresSQLError.from(error)
        }
        let columns =
            result.columns.isEmpty
            ? nil
            : result.columns.enumerated().map { index, column in
                ColumnTyping.column(column, sample: result.rows.lazy.map { $0[index] }.first { $0 != .null })
            }
        let count = columns == nil ? result.changes : result.rows.count
        let tag: String =
            switch verb {
            case "INSERT": "INSERT 0 \(count)"
            case "UPDATE", "DELETE", "MERGE": "\(verb) \(count)"
            case "CREATE", "DROP", "ALTER":
                "\(verb) \(statement.leadingWords(3).dropFirst().first { Self.objectKinds.contains($0) } ?? "TABLE")"
            case "TRUNCATE": "TRUNCATE TABLE"
            default: "SELECT \(result.rows.count)"
            }
        return Outcome(columns: columns, rows: result.rows, tag: tag)
    }

    /// The types of a statement's untyped parameters, from the declared types of the columns they meet (see
    /// `ParameterTyping`); nil where nothing says.
    func parameterTypes(_ statement: PostgresSQLText, count: Int) -> [PostgresType?] {
        var declared: [String: PostgresType] = [:]
        for table in ParameterTyping.tables(in: statement) {
            guard
                let info = try? self.connection.execute(
                    "PRAGMA table_info(\"\(table.replacingOccurrences(of: "\"", with: "\"\""))\")"
                )
            else { continue }
            for row in info.rows {
                guard row.count > 2, case let .text(name) = row[1], case let .text(type) = row[2] else { continue }
                declared[name.lowercased()] = declared[name.lowercased()] ?? PostgresType(declared: type)
            }
        }
        return ParameterTyping.infer(statement, count: count) { declared[$0] }
    }

    /// The parameter count and columns of a statement, for Parse and Describe, without running it.
    func describe(_ statement: PostgresSQLText) throws(PostgresError) -> (parameterCount: Int, columns: [Column]?) {
        let words = statement.leadingWords(2)
        switch words.first ?? "" {
        case "SHOW":
            let name = statement.significant.dropFirst().first?.text.lowercased() ?? ""
            return (
                0,
                name == "all"
                    ? [Column(name: "name", type: .text), Column(name: "setting", type: .text)]
                    : [Column(name: name, type: .text)]
            )
        case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET", "RESET", "DISCARD",
            "LISTEN", "UNLISTEN",
            "NOTIFY", "DEALLOCATE", "LOAD", "CHECKPOINT", "VACUUM", "ANALYZE", "COPY", "PREPARE", "EXECUTE":
            return (0, nil)
        case "CREATE" where ["EXTENSION", "SCHEMA"].contains(words.dropFirst().first ?? ""):
            return (0, nil)
        default:
            do {
                let described = try self.connection.describe(self.translator.translate(statement))
                return (
                    described.parameterCount,
                    described.columns.isEmpty ? nil : described.columns.map { ColumnTyping.column($0, sample: nil) }
                )
            } catch {
                throw PostgresSQLError.from(error)
            }
        }
    }

    // MARK: SET and SHOW

    private func set(_ statement: PostgresSQLText) throws(PostgresError) -> Outcome {
        var tokens = Array(statement.significant.dropFirst())
        if let scope = tokens.first?.upper, scope == "SESSION" || scope == "LOCAL" {
            tokens.removeFirst()
            if tokens.first?.upper == "CHARACTERISTICS" || tokens.first?.upper == "AUTHORIZATION" {
                return Outcome(columns: nil, tag: "SET")
            }
        }
        if tokens.first?.upper == "TRANSACTION" { return Outcome(columns: nil, tag: "SET") }
        var name: String
        var valueTokens: ArraySlice<PostgresSQLText.Token>
        if tokens.count >= 2, tokens[0].upper == "TIME", tokens[1].upper == "ZONE" {
            (name, valueTokens) = ("TimeZone", tokens.dropFirst(2))
        } else if tokens.count >= 2, tokens[0].upper == "NAMES" {
            (name, valueTokens) = ("client_encoding", tokens.dropFirst())
        } else {
            guard let first = tokens.first, tokens.count >= 3, tokens[1].text == "=" || tokens[1].upper == "TO" else {
                throw PostgresError(.error, "42601", "syntax error at or near \"\(tokens.first?.text ?? "SET")\"")
            }
            (name, valueTokens) = (first.text.trimmingQuotes, tokens.dropFirst(2))
        }
        if valueTokens.first?.upper == "DEFAULT" {
            return Outcome(columns: nil, tag: "SET", reported: [try self.settings.reset(name)].compactMap { $0 })
        }
        let value = valueTokens.map { $0.kind == .string ? $0.text.trimmingQuotes : $0.text }.joined(
            separator: valueTokens.contains { $0.text == "," } ? "" : " "
        )
        .replacingOccurrences(of: ",", with: ", ")
        return Outcome(columns: nil, tag: "SET", reported: [try self.settings.set(name, value)].compactMap { $0 })
    }

    private func show(_ statement: PostgresSQLText) throws(PostgresError) -> Outcome {
        let tokens = Array(statement.significant.dropFirst())
        let name =
            tokens.count >= 2 && tokens[0].upper == "TIME" && tokens[1].upper == "ZONE"
            ? "TimeZone" : (tokens.first?.text.trimmingQuotes ?? "")
        if name.lowercased() == "all" {
            return Outcome(
                columns: [Column(name: "name", type: .text), Column(name: "setting", type: .text)],
                rows: self.settings.all.map { [.text($0.0), .text($0.1)] },
                tag: "SHOW"
            )
        }
        guard let value = self.settings[name] else { throw SessionSettings.unrecognized(name) }
        return Outcome(columns: [Column(name: name.lowercased(), type: .text)], rows: [[.text(value)]], tag: "SHOW")
    }

    private func sqlite(_ sql: String) throws(PostgresError) {
        do { try self.connection.execute(sql) } catch { throw PostgresSQLError.from(error) }
    }
}

extension String {
    /// Without the quotes of a string literal or quoted identifier ('a''b' → a'b).
    var trimmingQuotes: String {
        guard self.count >= 2, let first = self.first, first == "'" || first == "\"", self.last == first else {
            return self
        }
        return String(self.dropFirst().dropLast()).replacingOccurrences(of: "\(first)\(first)", with: "\(first)")
    }
}
