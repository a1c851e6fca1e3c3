import Foundation

/// PostgreSQL SQL text as tokens: words, quoted strings and identifiers, `$n` parameters, numbers and symbols,
/// with comments dropped. Splitting a Query message into statements and translating for SQLite both work on these,
/// so a `;` or a `$1` inside a string is never mistaken for one.
struct PostgresSQLText {
    enum Kind: Equatable {
        case word
        /// A string literal, already in SQLite's form ('…' with quotes doubled).
        case string
        /// A double-quoted identifier, as written.
        case quotedIdentifier
        case parameter(Int)
        case number
        case symbol
        case space
    }

    struct Token: Equatable {
        var kind: Kind
        var text: String
        var upper: String { self.kind == .word ? self.text.uppercased() : self.text }
    }

    var tokens: [Token]

    init(_ sql: String) {
        self.tokens = Self.tokenize(Array(sql.unicodeScalars))
    }

    init(tokens: [Token]) { self.tokens = tokens }

    var text: String { self.tokens.map(\.text).joined() }

    /// The statements of a Query message, each without its `;` and trimmed; empty ones dropped.
    static func statements(_ sql: String) -> [PostgresSQLText] {
        var statements: [PostgresSQLText] = [], current: [Token] = []
        for token in PostgresSQLText(sql).tokens {
            if token.kind == .symbol, token.text == ";" {
                statements.append(PostgresSQLText(tokens: current))
                current = []
            } else {
                current.append(token)
            }
        }
        statements.append(PostgresSQLText(tokens: current))
        return statements.map { $0.trimmed }.filter { !$0.tokens.isEmpty }
    }

    var trimmed: PostgresSQLText {
        var tokens = self.tokens
        while tokens.first?.kind == .space { tokens.removeFirst() }
        while tokens.last?.kind == .space { tokens.removeLast() }
        return PostgresSQLText(tokens: tokens)
    }

    /// The words and symbols, spaces left out.
    var significant: [Token] { self.tokens.filter { $0.kind != .space } }

    /// The first `count` words, upper-cased.
    func leadingWords(_ count: Int) -> [String] {
        Array(self.significant.prefix(count).map(\.upper))
    }

    // MARK: Tokenizer

    private static func tokenize(_ s: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isWord(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) || c == "$" }
        func string(_ scalars: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(scalars)) }
        func quoted(_ body: String) -> Token { Token(kind: .string, text: "'" + body.replacingOccurrences(of: "'", with: "''") + "'") }
        while i < s.count {
            let c = s[i]
            let next = i + 1 < s.count ? s[i + 1] : nil
            if c == "-", next == "-" {
                while i < s.count, s[i] != "\n" { i += 1 }
                tokens.append(Token(kind: .space, text: " "))
            } else if c == "/", next == "*" {
                var depth = 0
                repeat {
                    if s[i] == "/", i + 1 < s.count, s[i + 1] == "*" { depth += 1; i += 2 }
                    else if s[i] == "*", i + 1 < s.count, s[i + 1] == "/" { depth -= 1; i += 2 }
                    else { i += 1 }
                } while depth > 0 && i < s.count
                tokens.append(Token(kind: .space, text: " "))
            } else if c.properties.isWhitespace {
                let start = i
                while i < s.count, s[i].properties.isWhitespace { i += 1 }
                tokens.append(Token(kind: .space, text: string(Array(s[start..<i]))))
            } else if c == "'" || ((c == "E" || c == "e") && next == "'") {
                let escapes = c != "'"
                i += escapes ? 2 : 1
                var body: [Unicode.Scalar] = []
                while i < s.count {
                    if s[i] == "'" {
                        if i + 1 < s.count, s[i + 1] == "'" { body.append("'"); i += 2; continue }
                        i += 1
                        break
                    }
                    if escapes, s[i] == "\\", i + 1 < s.count {
                        let e = s[i + 1]
                        body.append(e == "n" ? "\n" : e == "t" ? "\t" : e == "r" ? "\r" : e)
                        i += 2
                        continue
                    }
                    body.append(s[i])
                    i += 1
                }
                tokens.append(quoted(string(body)))
            } else if c == "\"" {
                let start = i
                i += 1
                while i < s.count {
                    if s[i] == "\"" {
                        if i + 1 < s.count, s[i + 1] == "\"" { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                tokens.append(Token(kind: .quotedIdentifier, text: string(Array(s[start..<i]))))
            } else if c == "$", let n = next, ("0"..."9").contains(n) {
                let start = i + 1
                i += 1
                while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
                tokens.append(Token(kind: .parameter(Int(string(Array(s[start..<i]))) ?? 0), text: string(Array(s[start - 1..<i]))))
            } else if c == "$", let end = Self.dollarTagEnd(s, from: i) {
                let tag = Array(s[i...end])
                i = end + 1
                var body: [Unicode.Scalar] = []
                while i < s.count {
                    if s[i] == "$", i + tag.count <= s.count, Array(s[i..<i + tag.count]) == tag { i += tag.count; break }
                    body.append(s[i])
                    i += 1
                }
                tokens.append(quoted(string(body)))
            } else if isWordStart(c) {
                let start = i
                while i < s.count, isWord(s[i]) { i += 1 }
                tokens.append(Token(kind: .word, text: string(Array(s[start..<i]))))
            } else if ("0"..."9").contains(c) || (c == "." && next.map { ("0"..."9").contains($0) } == true) {
                let start = i
                while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "." || s[i] == "e" || s[i] == "E" { i += 1 }
                tokens.append(Token(kind: .number, text: string(Array(s[start..<i]))))
            } else if c == ":", next == ":" {
                tokens.append(Token(kind: .symbol, text: "::"))
                i += 2
            } else {
                tokens.append(Token(kind: .symbol, text: string([c])))
                i += 1
            }
        }
        return tokens
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `start` (`$$`, `$body$`), or nil.
    private static func dollarTagEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        while i < s.count {
            if s[i] == "$" { return i }
            guard s[i] == "_" || s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) else { return nil }
            i += 1
        }
        return nil
    }
}
