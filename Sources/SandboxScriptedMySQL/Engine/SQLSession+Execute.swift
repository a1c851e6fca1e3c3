import Foundation
import SandboxMySQLWire

extension SQLSession {
    /// Runs one statement: the MySQL-only ones here, everything else translated and run on SQLite. A statement
    /// that changed data is kept for the server's replicas, handed over when its transaction commits.
    func execute(_ sql: String, parameters: [MySQLValue] = []) -> StatementResult {
        let shape = StatementShape.of(sql)
        let (rawWords, words) = (shape.rawWords, shape.words)
        guard let first = words.first else { return .failure(.emptyQuery) }
        let changesData = Self.changesData(words)
        if changesData, self.server.isReadOnly, self.connectionID != 0 {
            self.server.refusedWrite(connectionID: self.connectionID)
            return .failure(SQLError.readOnly)
        }
        let database = self.database
        let result = self.run(sql, parameters: parameters, words: words, rawWords: rawWords)
        if case .failure = result { return result }
        if changesData, self.server.reportsCommits {
            self.uncommitted.append(.init(database: database, sql: sql, parameters: parameters))
        }
        if first == "ROLLBACK", !words.contains("TO") {
            self.uncommitted.removeAll()
        } else if !self.anyTransactionOpen, !self.uncommitted.isEmpty {
            self.server.committed(CommittedTransaction(statements: self.uncommitted))
            self.uncommitted.removeAll()
        }
        return result
    }

    private func run(_ sql: String, parameters: [MySQLValue], words: [String], rawWords: [String]) -> StatementResult {
        guard let first = words.first else { return .failure(.emptyQuery) }
        do throws(ErrorPacket) {
            switch first {
            case "USE":
                try self.use(Self.unquote(words.count > 1 ? String(SQLText.normalized(sql).dropFirst(3)) : ""))
                return .done
            case "SET": return try self.set(sql)
            case "SHOW": return try self.show(sql, words: words, rawWords: rawWords)
            case "DESCRIBE", "DESC", "EXPLAIN":
                // `case a, b where c` guards only its last pattern: check the count for all three here.
                guard words.count == 2 else {
                    if first == "EXPLAIN" { return try self.runOnSQLite(sql, parameters: parameters, words: words) }
                    throw .syntaxError(near: sql)
                }
                return try self.describe(table: Self.unquote(rawWords[1]))
            case "BEGIN", "START": return try self.begin()
            case "COMMIT": return try self.endTransaction("COMMIT")
            case "ROLLBACK" where !words.contains("TO"): return try self.endTransaction("ROLLBACK")
            case "CREATE" where ["DATABASE", "SCHEMA"].contains(words.dropFirst().first ?? ""):
                return try self.createDatabase(rawWords)
            case "DROP" where ["DATABASE", "SCHEMA"].contains(words.dropFirst().first ?? ""):
                return try self.dropDatabase(rawWords)
            case "KILL":
                guard let id = words.last.flatMap({ UInt64($0) }) else { throw .syntaxError(near: sql) }
                guard id <= UInt64(UInt32.max), self.server.kill(connectionID: UInt32(id)) else {
                    throw SQLError.unknownThread(id)
                }
                return .done
            case "FLUSH":
                if words.contains("PRIVILEGES") { self.server.flushPrivileges() }
                return .done
            case "LOCK", "UNLOCK": return .done
            case "CREATE" where words.dropFirst().first == "USER", "GRANT", "REVOKE",
                "ALTER" where words.dropFirst().first == "USER",
                "DROP" where words.dropFirst().first == "USER":
                throw SQLError.notSupported(words.prefix(2).joined(separator: " "))
            default:
                return try self.runOnSQLite(sql, parameters: parameters, words: words)
            }
        } catch {
            return .failure(error)
        }
    }

    private func runOnSQLite(
        _ sql: String,
        parameters: [MySQLValue],
        words: [String]
    ) throws(ErrorPacket) -> StatementResult {
        var renames: [String: String] = [:]
        var unknown: [String] = []
        let translated = MySQLToSQLite.translate(sql) { token in
            guard let literal = self.literal(for: token) else {
                unknown.append(token)
                return nil
            }
            renames[literal] = token
            return literal
        }
        if let name = unknown.first { throw SQLError.unknownVariable(Self.variableName(name)) }
        let connection = try self.connection()
        let isWrite = !["SELECT", "WITH", "VALUES", "PRAGMA"].contains(words[0])
        if !self.autocommit, !connection.isInTransaction, isWrite || words[0] == "SELECT" {
            _ = try? connection.execute("BEGIN")
        }
        if isWrite, connection.hasReadOnlySnapshot {
            // The first write of a transaction that has only read: it holds the schema's write lock now, so it
            // starts again from the latest commit (SQLite cannot upgrade a stale read snapshot; InnoDB's writes
            // act on the latest rows too). Consistent reads after this see the new snapshot.
            _ = try? connection.execute("ROLLBACK")
            _ = try? connection.execute("BEGIN IMMEDIATE")
        }
        let result: SQLiteConnection.Result
        do {
            result = try connection.execute(translated, parameters: parameters)
        } catch {
            throw SQLError.from(error, database: self.database ?? "")
        }
        if result.columns.isEmpty {
            let inserted = ["INSERT", "REPLACE"].contains(words[0]) && result.changes > 0
            if inserted { self.lastInsertID = UInt64(bitPattern: result.lastInsertRowID) }
            self.lastAffectedRows = Int64(result.changes)
            return .ok(affectedRows: UInt64(result.changes), lastInsertID: inserted ? self.lastInsertID : 0, info: "")
        }
        self.lastFoundRows = result.rows.count
        let columns = result.columns.enumerated().map { index, column in
            let name = renames[column.name] ?? column.name
            return ColumnDefinition41(
                name: name,
                type: ColumnTypeMapping.columnType(declared: column.declaredType, sample: result.rows.first?[index]),
                schema: self.database ?? ""
            )
        }
        return .rows(columns: columns, rows: result.rows)
    }

    /// The literal that replaces a session function or system variable in a statement.
    func literal(for token: String) -> String? {
        let upper = token.uppercased().replacingOccurrences(of: " ", with: "")
        func quoted(_ text: String?) -> String {
            text.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? "NULL"
        }
        switch upper {
        case "DATABASE()", "SCHEMA()": return quoted(self.database)
        case "VERSION()": return quoted(self.variables["version"])
        case "CONNECTION_ID()": return String(self.connectionID)
        case "LAST_INSERT_ID()": return String(self.lastInsertID)
        case "FOUND_ROWS()": return String(self.lastFoundRows)
        case "ROW_COUNT()": return String(self.lastAffectedRows)
        case "USER()", "SESSION_USER()", "SYSTEM_USER()": return quoted("\(self.user)@\(self.host)")
        case "CURRENT_USER()", "CURRENT_USER": return quoted("\(self.user)@%")
        default:
            guard token.hasPrefix("@@") else { return nil }
            let name = Self.variableName(token)
            let value: String? =
                switch name {
                case "autocommit": self.autocommit ? "1" : "0"
                case "read_only", "innodb_read_only": self.server.isReadOnly ? "1" : "0"
                default: self.variables[name]
                }
            guard let value else { return nil }
            return SystemVariables.isNumeric(value) ? value : quoted(value)
        }
    }

    /// What a read-only server refuses: statements that change data or schemas (temporary tables excepted).
    /// Connection 0 is the server's own (seed SQL, `load`), which read-only does not bind.
    static func changesData(_ words: [String]) -> Bool {
        switch words.first ?? "" {
        case "INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "RENAME", "LOAD", "ALTER": true
        case "CREATE", "DROP": words.dropFirst().first != "TEMPORARY"
        default: false
        }
    }

    static func variableName(_ token: String) -> String {
        var name = token.lowercased()
        if name.hasPrefix("@@") { name.removeFirst(2) }
        for scope in ["session.", "global.", "local."] where name.hasPrefix(scope) { name.removeFirst(scope.count) }
        return name
    }

    static func unquote(_ text: String) -> String {
        var name = SQLText.normalized(text).trimmingCharacters(in: .whitespaces)
        if let first = name.first, "`'\"".contains(first), name.last == first, name.count >= 2 {
            name = String(name.dropFirst().dropLast())
        }
        return name
    }

    private func begin() throws(ErrorPacket) -> StatementResult {
        let connection = try self.connection()
        if connection.isInTransaction {  // MySQL commits implicitly
            _ = try? connection.execute("COMMIT")
            if !self.uncommitted.isEmpty { self.server.committed(CommittedTransaction(statements: self.uncommitted)) }
            self.uncommitted.removeAll()
        }
        do { try connection.execute("BEGIN") } catch { throw SQLError.from(error, database: self.database ?? "") }
        return .done
    }

    private func endTransaction(_ verb: String) throws(ErrorPacket) -> StatementResult {
        guard let database, let connection = try? self.connection(for: database), connection.isInTransaction else {
            return .done
        }
        do { try connection.execute(verb) } catch { throw SQLError.from(error, database: database) }
        return .done
    }

    private func createDatabase(_ words: [String]) throws(ErrorPacket) -> StatementResult {
        let upper = words.map { $0.uppercased() }
        guard words.count >= 3, let raw = words.last else { throw .syntaxError(near: words.joined(separator: " ")) }
        let name = Self.unquote(raw)
        let created: Bool
        do {
            created = try self.catalog.create(name)
        } catch let error as ErrorPacket {
            throw error
        } catch {
            throw ErrorPacket(code: 1105, sqlState: "HY000", message: "\(error)")
        }
        if !created, !(upper.contains("NOT") && upper.contains("EXISTS")) { throw SQLError.databaseExists(name) }
        return .ok(affectedRows: created ? 1 : 0, lastInsertID: 0, info: "")
    }

    private func dropDatabase(_ words: [String]) throws(ErrorPacket) -> StatementResult {
        guard words.count >= 3, let raw = words.last else { throw .syntaxError(near: words.joined(separator: " ")) }
        let name = Self.unquote(raw)
        if self.database == name {
            self.close()
            self.database = nil
        }
        guard self.catalog.drop(name) || words.map({ $0.uppercased() }).contains("EXISTS") else {
            throw SQLError.cannotDropDatabase(name)
        }
        return .ok(affectedRows: 0, lastInsertID: 0, info: "")
    }
}
