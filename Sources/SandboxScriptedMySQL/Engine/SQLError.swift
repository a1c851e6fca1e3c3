import CSandboxSQLite
import SandboxMySQLWire

/// The MySQL errors the engine answers, and SQLite's failures translated to them.
enum SQLError {
    static func invalidSchemaName(_ name: String) -> ErrorPacket {
        ErrorPacket(code: 1102, sqlState: "42000", message: "Incorrect database name '\(name)'")
    }
    static func databaseExists(_ name: String) -> ErrorPacket {
        ErrorPacket(code: 1007, sqlState: "HY000", message: "Can't create database '\(name)'; database exists")
    }
    static func cannotDropDatabase(_ name: String) -> ErrorPacket {
        ErrorPacket(code: 1008, sqlState: "HY000", message: "Can't drop database '\(name)'; database doesn't exist")
    }
    static func unknownVariable(_ name: String) -> ErrorPacket {
        ErrorPacket(code: 1193, sqlState: "HY000", message: "Unknown system variable '\(name)'")
    }
    static func unknownTable(_ database: String, _ table: String) -> ErrorPacket {
        ErrorPacket(code: 1146, sqlState: "42S02", message: "Table '\(database).\(table)' doesn't exist")
    }
    static func notSupported(_ what: String) -> ErrorPacket {
        ErrorPacket(
            code: 1235,
            sqlState: "42000",
            message: "This version of MySQL doesn't yet support '\(what)'; declare it in the sandbox topology instead"
        )
    }
    /// What an Aurora reader (or a server with read_only=ON) answers a statement that changes data.
    static let readOnly = ErrorPacket(
        code: 1290,
        sqlState: "HY000",
        message: "The MySQL server is running with the --read-only option so it cannot execute this statement"
    )

    static func unknownThread(_ id: UInt64) -> ErrorPacket {
        ErrorPacket(code: 1094, sqlState: "HY000", message: "Unknown thread id: \(id)")
    }

    /// SQLite's failure as the MySQL error an application expects for the same mistake.
    static func from(_ failure: SQLiteConnection.Failure, database: String) -> ErrorPacket {
        let message = failure.message
        func after(_ prefix: String) -> String? {
            message.range(of: prefix).map { String(message[$0.upperBound...]).trimmingCharacters(in: .whitespaces) }
        }
        if let table = after("no such table:") {
            if database.isEmpty { return .noDatabaseSelected }
            return unknownTable(database, table.split(separator: ".").last.map(String.init) ?? table)
        }
        if let column = after("no such column:") {
            return ErrorPacket(code: 1054, sqlState: "42S22", message: "Unknown column '\(column)' in 'field list'")
        }
        if message.hasPrefix("table "), message.hasSuffix(" already exists") {
            let name = message.dropFirst(6).dropLast(15)
            return ErrorPacket(code: 1050, sqlState: "42S01", message: "Table '\(name)' already exists")
        }
        if let key = after("UNIQUE constraint failed:") {
            return ErrorPacket(code: 1062, sqlState: "23000", message: "Duplicate entry for key '\(key)'")
        }
        if let column = after("NOT NULL constraint failed:") {
            let name = column.split(separator: ".").last.map(String.init) ?? column
            return ErrorPacket(code: 1048, sqlState: "23000", message: "Column '\(name)' cannot be null")
        }
        if message.contains("FOREIGN KEY constraint failed") {
            return ErrorPacket(
                code: 1452,
                sqlState: "23000",
                message: "Cannot add or update a child row: a foreign key constraint fails"
            )
        }
        if message.contains("syntax error") || message.contains("unrecognized token")
            || message.contains("incomplete input")
        {
            return .syntaxError(near: message)
        }
        switch failure.code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return ErrorPacket(
                code: 1213,
                sqlState: "40001",
                message: "Deadlock found when trying to get lock; try restarting transaction"
            )
        case SQLITE_INTERRUPT:
            return .queryInterrupted
        default:
            return ErrorPacket(code: 1105, sqlState: "HY000", message: message)
        }
    }
}
