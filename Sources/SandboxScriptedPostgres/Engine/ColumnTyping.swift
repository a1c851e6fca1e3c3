import Foundation
import SandboxPostgresWire
import SandboxSQLite

/// The name and type a RowDescription gives a result column: the declared type of a table's column; for an
/// expression, PostgreSQL's name for it (`count`, `?column?`) and its type from the function it calls, from a literal,
/// or from the first value it produced.
enum ColumnTyping {
    static func column(
        _ column: SQLiteConnection<SQLiteValue>.Column,
        sample: SQLiteValue?
    ) -> PostgresSQLSession.Column {
        if let declared = column.declaredType {
            let type = PostgresType(declared: declared) ?? .text
            return .init(name: column.name, type: type, modifier: Self.modifier(declared, type))
        }
        let (name, type) = Self.expression(column.name)
        if let type { return .init(name: name, type: type) }
        let sampled: PostgresType =
            switch sample {
            case .integer?: .int8
            case .double?: .float8
            case .bytes?: .bytea
            default: .text
            }
        return .init(name: name, type: sampled)
    }

    /// The type modifier of `numeric(p,s)`, `varchar(n)` and `char(n)` as PostgreSQL reports it (VARHDRSZ added).
    static func modifier(_ declared: String, _ type: PostgresType) -> Int32 {
        guard let open = declared.firstIndex(of: "("), let close = declared.lastIndex(of: ")"), open < close else {
            return -1
        }
        let numbers = declared[declared.index(after: open)..<close].split(separator: ",").compactMap {
            Int32($0.trimmingCharacters(in: .whitespaces))
        }
        switch (type, numbers.count) {
        case (.numeric, 1): return (numbers[0] << 16) + 4
        case (.numeric, 2): return (numbers[0] << 16 | numbers[1]) + 4
        case (.varchar, 1), (.bpchar, 1): return numbers[0] + 4
        default: return -1
        }
    }

    /// PostgreSQL's name for an expression SQLite names by its text, and the type it is known to have.
    private static func expression(_ text: String) -> (String, PostgresType?) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
            let function = trimmed[..<open].trimmingCharacters(in: .whitespaces).lowercased()
            if !function.isEmpty, function.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                let type: PostgresType? =
                    switch function {
                    case "count": .int8
                    case "now", "statement_timestamp", "transaction_timestamp", "clock_timestamp": .timestamptz
                    case "gen_random_uuid": .uuid
                    case "version", "lower", "upper", "concat", "substr", "substring", "trim", "replace", "md5": .text
                    case "length", "char_length", "pg_backend_pid": .int4
                    case "avg": .numeric
                    case "exists", "pg_is_in_recovery": .bool
                    default: nil
                    }
                return (function, type)
            }
        }
        if trimmed.first?.isLetter == true || trimmed.first == "_",
            trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        {
            switch trimmed.uppercased() {
            case "TRUE", "FALSE": return ("bool", .bool)
            case "CURRENT_TIMESTAMP": return ("current_timestamp", .timestamptz)
            default: return (trimmed, nil)
            }
        }
        if Int32(trimmed) != nil { return ("?column?", .int4) }
        if Int64(trimmed) != nil { return ("?column?", .int8) }
        if trimmed.first?.isNumber == true, Double(trimmed) != nil { return ("?column?", .numeric) }
        if trimmed.hasPrefix("'") { return ("?column?", .text) }
        return ("?column?", nil)
    }
}
