import Foundation

/// Lexical helpers over MySQL statement text that respect quotes and comments.
enum SQLText {
    enum Segment: Equatable {
        case code(String)
        /// A string literal's content (unescaped quotes kept as written).
        case string(String)
        /// A backtick-quoted identifier's name.
        case identifier(String)
    }

    /// Splits `sql` into code, string literals ('...' and "...") and `identifiers`; drops comments.
    static func segments(_ sql: String) -> [Segment] {
        var result: [Segment] = []
        var code = ""
        let chars = Array(sql)
        var index = 0
        func flush() {
            if !code.isEmpty {
                result.append(.code(code))
                code = ""
            }
        }
        while index < chars.count {
            let char = chars[index]
            let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
            if char == "'" || char == "\"" || char == "`" {
                flush()
                var content = ""
                index += 1
                while index < chars.count {
                    if chars[index] == "\\", char != "`", index + 1 < chars.count {
                        content.append(chars[index])
                        content.append(chars[index + 1])
                        index += 2
                        continue
                    }
                    if chars[index] == char {
                        if index + 1 < chars.count, chars[index + 1] == char {
                            content.append(char)
                            content.append(char)
                            index += 2
                            continue
                        }
                        break
                    }
                    content.append(chars[index])
                    index += 1
                }
                index += 1
                result.append(
                    char == "`"
                        ? .identifier(content)
                        : .string(char == "\"" ? content.replacingOccurrences(of: "'", with: "''") : content)
                )
            } else if char == "#"
                || (char == "-" && next == "-" && (index + 2 >= chars.count || chars[index + 2].isWhitespace))
            {
                while index < chars.count, chars[index] != "\n" { index += 1 }
                code.append(" ")
            } else if char == "/", next == "*" {
                let isHint = index + 2 < chars.count && chars[index + 2] == "!"
                index += isHint ? 3 : 2
                if isHint { while index < chars.count, chars[index].isNumber { index += 1 } }
                var inner = ""
                while index + 1 < chars.count, !(chars[index] == "*" && chars[index + 1] == "/") {
                    inner.append(chars[index])
                    index += 1
                }
                index += 2
                code.append(isHint ? inner : " ")
            } else {
                code.append(char)
                index += 1
            }
        }
        flush()
        return result
    }

    /// Joins segments back as SQLite reads them: strings single-quoted, identifiers double-quoted.
    static func sqlite(_ segments: [Segment]) -> String {
        segments.map { segment in
            switch segment {
            case let .code(code): code
            case let .string(content): "'\(Self.sqliteStringBody(content))'"
            case let .identifier(name): "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
            }
        }.joined()
    }

    /// A MySQL string literal's body (backslash escapes, doubled quotes) as a SQLite literal's body.
    static func sqliteStringBody(_ content: String) -> String {
        var out = ""
        var iterator = content.makeIterator()
        while let char = iterator.next() {
            guard char == "\\", let escaped = iterator.next() else {
                out.append(char)
                continue
            }
            switch escaped {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "'": out.append("''")
            default: out.append(escaped)
            }
        }
        return out
    }

    /// The statement with comments removed, whitespace collapsed and trailing semicolons dropped.
    static func normalized(_ sql: String) -> String {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") {
            text.removeLast()
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text
    }

    /// Upper-cased leading words of the statement (outside comments), e.g. ["SHOW", "FULL", "TABLES"].
    static func leadingWords(_ sql: String, count: Int = 4) -> [String] {
        self.leadingWordsPreservingCase(sql, count: count).map { $0.uppercased() }
    }

    /// The leading words as written; quoted names keep their quotes.
    /// Whether a statement writes (or takes write locks, as `SELECT … FOR UPDATE`): it needs the schema's write lock.
    static func isWrite(_ sql: String) -> Bool {
        let words = Self.leadingWords(sql, count: 1)
        switch words.first ?? "" {
        case "INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE", "RENAME", "LOAD":
            return true
        case "SELECT", "WITH":
            // Most reads have neither word: no normalizing pass for them.
            guard Self.containsIgnoringCase(sql, "FOR") || Self.containsIgnoringCase(sql, "LOCK") else { return false }
            let upper = Self.normalized(sql).uppercased()
            return upper.contains(" FOR UPDATE") || upper.contains(" LOCK IN SHARE MODE")
                || upper.contains(" FOR SHARE")
        default: return false
        }
    }

    static func leadingWordsPreservingCase(_ sql: String, count: Int = 8) -> [String] {
        let code = segments(sql).map { segment -> String in
            switch segment {
            case let .code(text): text
            case let .identifier(name): "`\(name)`"
            case let .string(content): "'\(content)'"
            }
        }.joined()
        return code.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ";" || $0 == "=" }).prefix(count).map(
            String.init
        )
    }

    /// The index just past the parenthesis that closes the one at `open`, outside quotes.
    static func matchingParenthesis(in chars: [Character], from open: Int) -> Int? {
        var depth = 0
        var quote: Character?
        for index in open..<chars.count {
            let char = chars[index]
            if let open = quote {
                if char == open { quote = nil }
                continue
            }
            if char == "'" || char == "\"" {
                quote = char
            } else if char == "(" {
                depth += 1
            } else if char == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }
}

extension SQLText {
    /// Splits a script (e.g. a .sql fixture) into statements on `;` outside quotes and comments.
    static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for segment in segments(script) {
            switch segment {
            case let .code(code):
                for char in code {
                    if char == ";" {
                        statements.append(current)
                        current = ""
                    } else {
                        current.append(char)
                    }
                }
            case let .string(content): current += "'\(content)'"
            case let .identifier(name): current += "`\(name)`"
            }
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

extension SQLText {
    /// Whether `text` contains the ASCII `needle`, letters compared without case, on UTF-8 bytes.
    static func containsIgnoringCase(_ text: String, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount).map(Self.upper)
        guard let first = pattern.first else { return true }
        let bytes = Array(text.utf8)
        guard bytes.count >= pattern.count else { return false }
        for start in 0...(bytes.count - pattern.count) where Self.upper(bytes[start]) == first {
            var index = 1
            while index < pattern.count, Self.upper(bytes[start + index]) == pattern[index] { index += 1 }
            if index == pattern.count { return true }
        }
        return false
    }

    private static func upper(_ byte: UInt8) -> UInt8 { (0x61...0x7A).contains(byte) ? byte - 0x20 : byte }
}
