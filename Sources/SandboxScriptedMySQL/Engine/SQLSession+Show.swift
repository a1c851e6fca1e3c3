import Foundation
import SandboxMySQLWire

extension SQLSession {
    /// SHOW DATABASES / TABLES / COLUMNS / CREATE TABLE / VARIABLES / STATUS / WARNINGS.
    /// `words` are the statement's leading words upper-cased, `rawWords` the same as written (for names).
    func show(_ sql: String, words: [String], rawWords: [String]) throws(ErrorPacket) -> StatementResult {
        let subject = words.dropFirst().first { !["FULL", "GLOBAL", "SESSION"].contains($0) } ?? ""
        let pattern = Self.likePattern(sql)
        switch subject {
        case "DATABASES", "SCHEMAS":
            let names = (Catalog.systemSchemas + self.catalog.schemas).filter { pattern?($0) ?? true }.sorted()
            return .table(["Database"], names.map { [$0] })
        case "TABLES":
            guard let database = self.database else { throw .noDatabaseSelected }
            let connection = try self.connection()
            let rows = try self.query(
                connection,
                "SELECT name, type FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' "
                    + "ORDER BY name"
            )
            let names = rows.compactMap { $0.first?.textValue }.filter { pattern?($0) ?? true }
            if words.contains("FULL") {
                return .table(
                    ["Tables_in_\(database)", "Table_type"],
                    rows.filter { pattern?($0[0].textValue ?? "") ?? true }.map {
                        [$0[0].textValue, $0[1].textValue == "view" ? "VIEW" : "BASE TABLE"]
                    }
                )
            }
            return .table(["Tables_in_\(database)"], names.map { [$0] })
        case "COLUMNS", "FIELDS":
            guard let fromIndex = words.firstIndex(where: { $0 == "FROM" || $0 == "IN" }),
                fromIndex + 1 < rawWords.count
            else {
                throw .syntaxError(near: sql)
            }
            return try self.describe(table: Self.unquote(rawWords[fromIndex + 1]))
        case "CREATE":
            guard words.count >= 4, words[2] == "TABLE" else { throw .syntaxError(near: sql) }
            let table = Self.unquote(rawWords[3])
            guard self.database != nil else { throw .noDatabaseSelected }
            let rows = try self.query(
                try self.connection(),
                "SELECT sql FROM sqlite_master WHERE type='table' AND name=?",
                [.text(table)]
            )
            guard let definition = rows.first?.first?.textValue else {
                throw SQLError.unknownTable(self.database ?? "", table)
            }
            return .table(["Table", "Create Table"], [[table, definition]])
        case "VARIABLES":
            var variables = self.variables
            variables["autocommit"] = self.autocommit ? "ON" : "OFF"
            let rows = variables.filter { pattern?($0.key) ?? true }.sorted { $0.key < $1.key }.map {
                [$0.key, $0.value]
            }
            return .table(["Variable_name", "Value"], rows)
        case "STATUS":
            let status = ["Threads_connected": String(self.server.connectionCount), "Uptime": "1", "Ssl_cipher": ""]
            return .table(
                ["Variable_name", "Value"],
                status.filter { pattern?($0.key) ?? true }.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }
            )
        case "WARNINGS", "ERRORS":
            return .table(["Level", "Code", "Message"], [])
        case "ENGINES":
            return .table(
                ["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"],
                [["InnoDB", "DEFAULT", "Backed by SQLite in CloudSandbox", "YES", "NO", "YES"]]
            )
        default:
            throw .syntaxError(near: sql)
        }
    }

    /// DESCRIBE / SHOW COLUMNS: Field, Type, Null, Key, Default, Extra.
    func describe(table: String) throws(ErrorPacket) -> StatementResult {
        guard self.database != nil else { throw .noDatabaseSelected }
        let connection = try self.connection()
        let sqls = try self.query(
            connection,
            "SELECT sql FROM sqlite_master WHERE type='table' AND name=?",
            [.text(table)]
        )
        guard let definition = sqls.first?.first?.textValue else {
            throw SQLError.unknownTable(self.database ?? "", table)
        }
        let autoIncrement = definition.uppercased().contains("AUTOINCREMENT")
        let columns = try self.query(
            connection,
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)",
            [.text(table)]
        )
        let rows: [[String?]] = columns.map { column in
            let isKey = column[4] != .integer(0)
            return [
                column[0].textValue, column[1].textValue?.lowercased(),
                column[2] == .integer(1) || isKey ? "NO" : "YES",
                isKey ? "PRI" : "", column[3].textValue, isKey && autoIncrement ? "auto_increment" : "",
            ]
        }
        return .table(["Field", "Type", "Null", "Key", "Default", "Extra"], rows)
    }

    private func query(
        _ connection: SQLiteConnection,
        _ sql: String,
        _ parameters: [MySQLValue] = []
    ) throws(ErrorPacket) -> [[MySQLValue]] {
        do { return try connection.execute(sql, parameters: parameters).rows } catch {
            throw SQLError.from(error, database: self.database ?? "")
        }
    }

    /// A matcher for `LIKE 'pattern'` at the end of a SHOW statement, if there is one.
    static func likePattern(_ sql: String) -> ((String) -> Bool)? {
        let segments = SQLText.segments(sql)
        guard segments.count >= 2, case let .code(code) = segments[segments.count - 2],
            code.uppercased().hasSuffix("LIKE "),
            case let .string(pattern) = segments.last
        else { return nil }
        let regex =
            "^"
            + NSRegularExpression.escapedPattern(for: pattern)
            .replacingOccurrences(of: "%", with: ".*").replacingOccurrences(of: "_", with: ".") + "$"
        return { $0.range(of: regex, options: [.regularExpression, .caseInsensitive]) != nil }
    }
}
