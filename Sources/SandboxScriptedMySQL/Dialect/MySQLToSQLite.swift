import Foundation
import SandboxMySQLWire

/// Rewrites the MySQL dialect typical applications send into SQL that SQLite runs. Applications send the same
/// statements over and over: a translation without session values in it is kept (up to 4,096 statements).
enum MySQLToSQLite {
    private static let cache = StatementTextCache<String>()

    /// Translates one statement. `substitutions` replace session functions and @@variables by literals.
    static func translate(_ sql: String, substitutions: (String) -> String? = { _ in nil }) -> String {
        if let known = Self.cache[sql] { return known }
        var substituted = false
        let text = Self.translateAnew(sql) { token in
            substituted = true
            return substitutions(token)
        }
        if !substituted { Self.cache.keep(text, for: sql) }
        return text
    }

    private static func translateAnew(_ sql: String, substitutions: (String) -> String?) -> String {
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
            return Self.truncate.replace(in: text, with: "DELETE FROM ")
        }
        return text
    }

    /// Compiled once; NSRegularExpression is safe to use from any thread.
    private static let codeRewrites: [(NSRegularExpression, String)] = [
        (#"(?i)\bLIMIT\s+(\d+)\s*,\s*(\d+)"#, "LIMIT $2 OFFSET $1"),
        (#"(?i)\bINSERT\s+IGNORE\b"#, "INSERT OR IGNORE"),
        // Character-set introducers (`_binary'…'`, `_utf8mb4'…'`, `_binary x'…'`; the literal itself is the next
        // segment): SQLite keeps the literal's bytes as they are.
        (#"(?i)\b_(binary|utf8mb4|utf8mb3|utf8|latin1|ascii)\s*(?=$|['"]|[xX]'|[xX]$)"#, ""),
        (#"(?i)\b(CURRENT_TIMESTAMP|NOW)\s*\(\s*\d*\s*\)"#, "CURRENT_TIMESTAMP"),
        (#"(?i)\bLOCK\s+IN\s+SHARE\s+MODE\b"#, ""),
        (#"(?i)\bFOR\s+UPDATE(\s+(NOWAIT|SKIP\s+LOCKED))?\b"#, ""),
    ].map { (Self.regex($0), $1) }
    /// Session functions and system variables, which become literals the session supplies.
    private static let sessionToken = Self.regex(
        #"(?i)@@(?:session\.|global\.|local\.)?[a-z_][a-z0-9_]*|\b(?:DATABASE|SCHEMA|VERSION|CONNECTION_ID|"#
            + #"LAST_INSERT_ID|USER|CURRENT_USER|SESSION_USER|SYSTEM_USER|FOUND_ROWS|ROW_COUNT)\s*\(\s*\)|"#
            + #"\bCURRENT_USER\b"#
    )
    private static let truncate = Self.regex(#"(?i)^\s*TRUNCATE\s+(TABLE\s+)?"#)
    private static let alterPosition = Self.regex(#"(?i)\s+(AFTER\s+"?[\w]+"?|FIRST)\s*$"#)
    private static let alterAttributes = Self.regex(#"(?i)\bUNSIGNED\b|\bZEROFILL\b"#)

    private static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern)  // literal patterns, checked by the dialect tests
    }

    private static func rewriteCode(_ code: String, substitutions: (String) -> String?) -> String {
        var code = code
        for (regex, template) in Self.codeRewrites { code = regex.replace(in: code, with: template) }
        let source = code as NSString
        var result = ""
        var cursor = 0
        for match in Self.sessionToken.matches(in: code, range: NSRange(location: 0, length: source.length)) {
            let token = source.substring(with: match.range)
            result += source.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            result += substitutions(token) ?? token
            cursor = match.range.location + match.range.length
        }
        return result + source.substring(from: cursor)
    }

    private static func rewriteAlter(_ text: String) -> String {
        Self.alterAttributes.replace(in: Self.alterPosition.replace(in: text, with: ""), with: "")
    }
}

extension NSRegularExpression {
    /// Every match in `text` replaced by `template` (`$1` names a group).
    func replace(in text: String, with template: String) -> String {
        self.stringByReplacingMatches(
            in: text,
            range: NSRange(location: 0, length: (text as NSString).length),
            withTemplate: template
        )
    }
}
