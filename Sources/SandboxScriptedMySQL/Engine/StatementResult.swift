import SandboxMySQLWire

/// What one statement produced, before it is encoded for the text or binary protocol.
enum StatementResult {
    case ok(affectedRows: UInt64, lastInsertID: UInt64, info: String)
    case rows(columns: [ColumnDefinition41], rows: [[MySQLValue]])
    case failure(ErrorPacket)

    static let done = StatementResult.ok(affectedRows: 0, lastInsertID: 0, info: "")

    /// Text columns named `names` holding `rows`.
    static func table(_ names: [String], _ rows: [[String?]]) -> StatementResult {
        .rows(
            columns: names.map { ColumnDefinition41(name: $0, type: .varString) },
            rows: rows.map { $0.map { $0.map(MySQLValue.text) ?? .null } }
        )
    }
}

/// MySQL column types for SQLite's declared types (or, for expressions, the first value's type).
enum ColumnTypeMapping {
    static func columnType(declared: String?, sample: MySQLValue?) -> MySQLColumnType {
        if let declared = declared?.uppercased() {
            if declared.contains("INT") { return .longlong }
            if declared.contains("DATETIME") || declared.contains("TIMESTAMP") { return .datetime }
            if declared.hasPrefix("DATE") { return .date }
            if declared.hasPrefix("TIME") { return .time }
            if declared.contains("CHAR") || declared.contains("TEXT") || declared.contains("CLOB")
                || declared.contains("JSON")
            {
                return .varString
            }
            if declared.contains("BLOB") || declared.contains("BINARY") { return .blob }
            if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") { return .double }
            if declared.contains("DEC") || declared.contains("NUM") { return .newdecimal }
            if declared.contains("BOOL") { return .tiny }
        }
        switch sample {
        case .integer?, .unsignedInteger?: return .longlong
        case .double?: return .double
        case .bytes?: return .blob
        default: return .varString
        }
    }
}
