import Foundation

/// Rewrites the MySQL dialect typical applications send into SQL that SQLite runs.
enum MySQLToSQLite {
    /// Translates one statement. `substitutions` replace session functions and @@variables by literals.
    static func translate(_ sql: String, substitutions: (String) -> String? = { _ in nil }) -> String {
        var segments = SQLText.segments(SQLText.normalized(sql))
        for (index, segment) in segments.enumerated() {
            guard case var .code(code) = segment else { continue }
            code = Self.rewriteCode(code, substitutions: substitutions)
            segments[index] = .code(code)
        }
        let text = SQLText.sqlite(segments)
        let words = SQLText.leadingWords(text, count: 3)
        if words.first == "CREATE", words.dropFirst().contains("TABLE") { return CreateTableTranslator.translate(text) }
        if words.first == "ALTER" { return Self.rewriteAlter(text) }
        if words.prefix(2) == ["TRUNCATE", "TABLE"] || words.first == "TRUNCATE" {
            return text.replacingOccurrences(of: #"(?i)^\s*TRUNCATE\s+(TABLE\s+)?"#, with: "DELETE FROM ", options: .regularExpression)
        }
        return text
    }

    private static let codeRewrites: [(String, String)] = [
        (#"(?i)\bLIMIT\s+(\d+)\s*,\s*(\d+)"#, "LIMIT $2 OFFSET $1"),
        (#"(?i)\bINSERT\s+IGNORE\b"#, "INSERT OR IGNORE"),
        // Character-set introducers (`_binary'…'`, `_utf8mb4'…'`): SQLite keeps the literal's bytes as they are.
        (#"(?i)\b_(binary|utf8mb4|utf8mb3|utf8|latin1|ascii)\s*(?=$|['"]|[xX]')"#, ""),
        (#"(?i)\b(CURRENT_TIMESTAMP|NOW)\s*\(\s*\d*\s*\)"#, "CURRENT_TIMESTAMP"),
        (#"(?i)\bLOCK\s+IN\s+SHARE\s+MODE\b"#, ""),
        (#"(?i)\bFOR\s+UPDATE(\s+(NOWAIT|SKIP\s+LOCKED))?\b"#, ""),
    ]

    private static func rewriteCode(_ code: String, substitutions: (String) -> String?) -> String {
        var code = code
        for (pattern, template) in Self.codeRewrites {
            code = code.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        // Session functions and system variables become literals the session supplies.
        let pattern = #"(?i)@@(?:session\.|global\.|local\.)?[a-z_][a-z0-9_]*|\b(?:DATABASE|SCHEMA|VERSION|CONNECTION_ID|LAST_INSERT_ID|USER|CURRENT_USER|SESSION_USER|SYSTEM_USER|FOUND_ROWS|ROW_COUNT)\s*\(\s*\)|\bCURRENT_USER\b"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return code }
        let source = code as NSString
        var result = ""
        var cursor = 0
        for match in regex.matches(in: code, range: NSRange(location: 0, length: source.length)) {
            let token = source.substring(with: match.range)
            result += source.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            result += substitutions(token) ?? token
            cursor = match.range.location + match.range.length
        }
        return result + source.substring(from: cursor)
    }

    private static func rewriteAlter(_ text: String) -> String {
        text.replacingOccurrences(of: #"(?i)\s+(AFTER\s+"?[\w]+"?|FIRST)\s*$"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"(?i)\bUNSIGNED\b|\bZEROFILL\b"#, with: "", options: .regularExpression)
    }
}
