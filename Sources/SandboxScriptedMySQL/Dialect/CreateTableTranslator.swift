import Foundation
import SandboxMySQLWire

/// Rewrites a MySQL CREATE TABLE: AUTO_INCREMENT columns become SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT`,
/// KEY/INDEX clauses become CREATE INDEX statements, column and table options SQLite lacks are dropped.
enum CreateTableTranslator {
    static func translate(_ sql: String) -> String {
        let chars = Array(sql)
        guard let open = chars.firstIndex(of: "("), let close = SQLText.matchingParenthesis(in: chars, from: open)
        else { return sql }
        let head = String(chars[..<open]).trimmingCharacters(in: .whitespaces)
        let tableName = head.split(separator: " ").last.map(String.init) ?? "t"
        let bareTable = tableName.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        var definitions: [String] = []
        var indexes: [String] = []
        var autoIncrementColumn: String?
        var primaryKeyDefinition: (index: Int, columns: [String])?

        for definition in SQLStatementText.splitTopLevel(String(chars[(open + 1)..<close])) {
            let upper = definition.uppercased()
            if upper.hasPrefix("PRIMARY KEY") {
                primaryKeyDefinition = (definitions.count, Self.columnList(definition))
                definitions.append(Self.stripIndexLengths(Self.dropUsing(definition)))
            } else if upper.hasPrefix("UNIQUE") {
                definitions.append("UNIQUE (\(Self.columnList(definition).joined(separator: ", ")))")
            } else if upper.hasPrefix("KEY") || upper.hasPrefix("INDEX") || upper.hasPrefix("FULLTEXT")
                || upper.hasPrefix("SPATIAL")
            {
                let columns = Self.columnList(definition)
                let name = "\(bareTable)_\(columns.joined(separator: "_").replacingOccurrences(of: "\"", with: ""))_idx"
                indexes.append(
                    "CREATE INDEX IF NOT EXISTS \"\(name)\" ON \(tableName) (\(columns.joined(separator: ", ")))"
                )
            } else if upper.hasPrefix("CONSTRAINT") || upper.hasPrefix("FOREIGN KEY") || upper.hasPrefix("CHECK") {
                definitions.append(definition)
            } else {
                var column = Self.cleanColumn(definition)
                if column.range(of: #"(?i)\bAUTO_INCREMENT\b"#, options: .regularExpression) != nil {
                    let name = String(column.split(separator: " ").first ?? "")
                    autoIncrementColumn = name
                    column = column.replacingOccurrences(
                        of: #"(?i)\bAUTO_INCREMENT\b|\bPRIMARY\s+KEY\b"#,
                        with: "",
                        options: .regularExpression
                    )
                    let rest = column.split(separator: " ").dropFirst(2).joined(separator: " ")
                    column = "\(name) INTEGER PRIMARY KEY AUTOINCREMENT \(rest)".trimmingCharacters(in: .whitespaces)
                }
                definitions.append(column)
            }
        }
        if let auto = autoIncrementColumn, let primary = primaryKeyDefinition {
            if primary.columns == [auto] { definitions.remove(at: primary.index) }
        }
        let create = "\(head) (\n  \(definitions.joined(separator: ",\n  "))\n)"
        return ([create] + indexes).joined(separator: ";\n")
    }

    /// The column names in a key definition's parentheses, index lengths removed.
    private static func columnList(_ definition: String) -> [String] {
        let chars = Array(definition)
        guard let open = chars.firstIndex(of: "("), let close = SQLText.matchingParenthesis(in: chars, from: open)
        else { return [] }
        return SQLStatementText.splitTopLevel(String(chars[(open + 1)..<close])).map {
            Self.stripIndexLengths($0).replacingOccurrences(
                of: #"(?i)\s+(ASC|DESC)$"#,
                with: "",
                options: .regularExpression
            )
        }
    }

    private static func stripIndexLengths(_ text: String) -> String {
        text.replacingOccurrences(of: #"("[^"]+"|\w+)\s*\(\d+\)"#, with: "$1", options: .regularExpression)
    }

    private static func dropUsing(_ text: String) -> String {
        text.replacingOccurrences(of: #"(?i)\s+USING\s+(BTREE|HASH)"#, with: "", options: .regularExpression)
    }

    private static let columnOptionPatterns = [
        #"(?i)\bUNSIGNED\b"#, #"(?i)\bZEROFILL\b"#, #"(?i)\bCHARACTER\s+SET\s+\w+"#, #"(?i)\bCHARSET\s+\w+"#,
        #"(?i)\bCOLLATE\s+\w+"#, #"(?i)\bCOMMENT\s+'(?:[^']|'')*'"#,
        #"(?i)\bON\s+UPDATE\s+CURRENT_TIMESTAMP(\s*\(\s*\d*\s*\))?"#,
        #"(?i)\bINVISIBLE\b"#, #"(?i)\bVISIBLE\b"#,
    ]

    private static func cleanColumn(_ definition: String) -> String {
        var column = definition
        for pattern in Self.columnOptionPatterns {
            column = column.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        column = column.replacingOccurrences(
            of: #"(?i)\b(ENUM|SET)\s*\((?:[^()']|'(?:[^']|'')*')*\)"#,
            with: "TEXT",
            options: .regularExpression
        )
        return column.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression).trimmingCharacters(
            in: .whitespaces
        )
    }
}
