import CSandboxSQLite
import Foundation
import SandboxPostgresWire
import SandboxSQLite

/// SQLite's failures in PostgreSQL's words and SQLSTATEs, as drivers and ORMs branch on them (23505 for a duplicate
/// key, 42P01 for a missing table, 40001 for a serialization failure).
enum PostgresSQLError {
    /// query_canceled: a CancelRequest, or a statement run over its instruction budget.
    static let interrupted = "57014"

    static func from(_ failure: SQLiteConnection<SQLiteValue>.Failure) -> PostgresError {
        let message = failure.message
        func after(_ prefix: String) -> String? {
            message.range(of: prefix).map { String(message[$0.upperBound...]) }
        }
        if let table = after("no such table: ") {
            return PostgresError(.error, "42P01", "relation \"\(Self.bare(table))\" does not exist")
        }
        if let column = after("no such column: ") {
            return PostgresError(.error, "42703", "column \"\(Self.bare(column))\" does not exist")
        }
        if let columns = after("UNIQUE constraint failed: ") {
            let parts = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let table = parts.first?.split(separator: ".").first.map(String.init) ?? "t"
            let names = parts.compactMap { $0.split(separator: ".").last.map(String.init) }
            let primary = names == ["id"]
            return PostgresError(
                .error,
                "23505",
                "duplicate key value violates unique constraint "
                    + "\"\(table)_\(primary ? "pkey" : names.joined(separator: "_") + "_key")\"",
                detail: "Key (\(names.joined(separator: ", ")))=(…) already exists."
            )
        }
        if let column = after("NOT NULL constraint failed: ") {
            let parts = column.split(separator: ".")
            return PostgresError(
                .error,
                "23502",
                "null value in column \"\(parts.last ?? "")\" of relation \"\(parts.first ?? "")\" violates "
                    + "not-null constraint"
            )
        }
        if message.hasPrefix("FOREIGN KEY constraint failed") {
            return PostgresError(.error, "23503", "insert or update on table violates foreign key constraint")
        }
        if let check = after("CHECK constraint failed: ") {
            return PostgresError(.error, "23514", "new row violates check constraint \"\(check)\"")
        }
        if let name = after("table "), name.hasSuffix(" already exists") {
            return PostgresError(
                .error,
                "42P07",
                "relation \"\(Self.bare(String(name.dropLast(" already exists".count))))\" already exists"
            )
        }
        if let near = after("near \""), let end = near.firstIndex(of: "\"") {
            return PostgresError(.error, "42601", "syntax error at or near \"\(near[..<end])\"")
        }
        if message.hasPrefix("no such function: ") {
            return PostgresError(
                .error,
                "42883",
                "function \(message.dropFirst("no such function: ".count).lowercased())() does not exist",
                hint:
                    "No function matches the given name and argument types. You might need to add explicit type casts."
            )
        }
        switch failure.code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return PostgresError(.error, "40001", "could not serialize access due to concurrent update")
        case SQLITE_INTERRUPT:
            return PostgresError(.error, Self.interrupted, "canceling statement due to user request")
        case SQLITE_READONLY:
            return PostgresError(.error, "25006", "cannot execute statement in a read-only transaction")
        default:
            return PostgresError(.error, "XX000", message)
        }
    }

    private static func bare(_ name: String) -> String {
        (name.split(separator: ".").last.map(String.init) ?? name).trimmingCharacters(
            in: CharacterSet(charactersIn: "\"` ")
        )
    }
}
