import Foundation

/// Why a PostgreSQL statement pins its client to the database connection, by RDS Proxy's list for PostgreSQL: SET
/// (and set_config, RESET), temporary tables, sequences and views, DECLARE cursors, DISCARD, LISTEN, LOAD, sequence
/// functions, advisory locks, SQL-level PREPARE, and any statement over 16 KB. A parameterised query through the
/// extended protocol does not pin (RDS Proxy stopped pinning those in 2023). Nil: it does not pin.
enum PostgresPinning {
    static func reason(for sql: String) -> String? {
        if sql.utf8.count > 16_384 { return "a statement larger than 16 KB" }
        let words = sql.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).prefix(4).map(String.init)
        switch words.first ?? "" {
        case "SET":
            if words.dropFirst().first == "LOCAL" || words.dropFirst().first == "TRANSACTION" { return nil }  // ends with the transaction
            return "SET statement"
        case "RESET": return "RESET statement"
        case "DISCARD": return "DISCARD statement"
        case "LISTEN": return "LISTEN statement"
        case "LOAD": return "LOAD statement"
        case "DECLARE": return "DECLARE cursor"
        case "PREPARE": return "SQL-level PREPARE"
        case "CREATE" where words.count > 1 && ["TEMP", "TEMPORARY"].contains(words[1]):
            return "CREATE TEMPORARY \(words.count > 2 ? words[2] : "TABLE")"
        default: break
        }
        let lower = sql.lowercased()
        for (function, reason) in Self.functions where lower.contains(function) { return reason }
        return nil
    }

    private static let functions: [(String, String)] = [
        ("set_config(", "set_config() call"), ("nextval(", "sequence function nextval()"), ("setval(", "sequence function setval()"),
        ("pg_advisory", "advisory lock function"), ("pg_try_advisory", "advisory lock function"),
    ]
}
