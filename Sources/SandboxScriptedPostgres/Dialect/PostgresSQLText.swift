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
        self.tokens = Self.tokenize(Array(sql.utf8))
    }

    init(tokens: [Token]) { self.tokens = tokens }

    var text: String { self.tokens.map(\.text).joined() }

    /// The statements of a Query message, each without its `;` and trimmed; empty ones dropped.
    static func statements(_ sql: String) -> [PostgresSQLText] {
        var statements: [PostgresSQLText] = []
        var current: [Token] = []
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

    /// Tokenised over UTF-8 bytes as PostgreSQL's own scanner reads them: a byte over 0x7F is part of a word, and
    /// whitespace is ASCII's.
    private static func tokenize(_ s: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(s.count / 3)
        var i = 0
        func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        func quoted(_ body: [UInt8]) -> Token {
            var text: [UInt8] = [.quote]
            for byte in body {
                if byte == .quote { text.append(.quote) }
                text.append(byte)
            }
            text.append(.quote)
            return Token(kind: .string, text: String(decoding: text, as: UTF8.self))
        }
        while i < s.count {
            let c = s[i]
            let next = i + 1 < s.count ? s[i + 1] : nil
            if c == UInt8(ascii: "-"), next == UInt8(ascii: "-") {
                while i < s.count, s[i] != UInt8(ascii: "\n") { i += 1 }
                tokens.append(Token(kind: .space, text: " "))
            } else if c == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
                var depth = 0
                repeat {
                    if s[i] == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "*") {
                        depth += 1
                        i += 2
                    } else if s[i] == UInt8(ascii: "*"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        i += 2
                    } else {
                        i += 1
                    }
                } while depth > 0 && i < s.count
                tokens.append(Token(kind: .space, text: " "))
            } else if c.isSpace {
                let start = i
                while i < s.count, s[i].isSpace { i += 1 }
                tokens.append(
                    Token(kind: .space, text: i - start == 1 && c == UInt8(ascii: " ") ? " " : string(s[start..<i]))
                )
            } else if c == .quote || ((c == UInt8(ascii: "E") || c == UInt8(ascii: "e")) && next == .quote) {
                let escapes = c != .quote
                i += escapes ? 2 : 1
                var body: [UInt8] = []
                while i < s.count {
                    if s[i] == .quote {
                        if i + 1 < s.count, s[i + 1] == .quote {
                            body.append(.quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if escapes, s[i] == UInt8(ascii: "\\"), i + 1 < s.count {
                        let e = s[i + 1]
                        body.append(
                            e == UInt8(ascii: "n") ? 10 : e == UInt8(ascii: "t") ? 9 : e == UInt8(ascii: "r") ? 13 : e
                        )
                        i += 2
                        continue
                    }
                    body.append(s[i])
                    i += 1
                }
                tokens.append(quoted(body))
            } else if c == UInt8(ascii: "\"") {
                let start = i
                i += 1
                while i < s.count {
                    if s[i] == UInt8(ascii: "\"") {
                        if i + 1 < s.count, s[i + 1] == UInt8(ascii: "\"") {
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    i += 1
                }
                tokens.append(Token(kind: .quotedIdentifier, text: string(s[start..<i])))
            } else if c == UInt8(ascii: "$"), let n = next, n.isDigit {
                let start = i + 1
                i += 1
                while i < s.count, s[i].isDigit { i += 1 }
                tokens.append(Token(kind: .parameter(Int(string(s[start..<i])) ?? 0), text: string(s[start - 1..<i])))
            } else if c == UInt8(ascii: "$"), let end = Self.dollarTagEnd(s, from: i) {
                let tag = s[i...end]
                i = end + 1
                var body: [UInt8] = []
                while i < s.count {
                    if s[i] == UInt8(ascii: "$"), i + tag.count <= s.count, s[i..<i + tag.count].elementsEqual(tag) {
                        i += tag.count
                        break
                    }
                    body.append(s[i])
                    i += 1
                }
                tokens.append(quoted(body))
            } else if c.isWordStart {
                let start = i
                while i < s.count, s[i].isWordStart || s[i].isDigit || s[i] == UInt8(ascii: "$") { i += 1 }
                tokens.append(Token(kind: .word, text: string(s[start..<i])))
            } else if c.isDigit || (c == UInt8(ascii: ".") && next?.isDigit == true) {
                let start = i
                while i < s.count,
                    s[i].isDigit || s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")
                { i += 1 }
                tokens.append(Token(kind: .number, text: string(s[start..<i])))
            } else if c == UInt8(ascii: ":"), next == UInt8(ascii: ":") {
                tokens.append(Token(kind: .symbol, text: "::"))
                i += 2
            } else {
                tokens.append(Token(kind: .symbol, text: String(UnicodeScalar(c))))
                i += 1
            }
        }
        return tokens
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `start` (`$$`, `$body$`), or nil.
    private static func dollarTagEnd(_ s: [UInt8], from start: Int) -> Int? {
        var i = start + 1
        while i < s.count {
            if s[i] == UInt8(ascii: "$") { return i }
            guard s[i].isWordStart || s[i].isDigit else { return nil }
            i += 1
        }
        return nil
    }
}

extension UInt8 {
    fileprivate static let quote = UInt8(ascii: "'")
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    /// A letter, `_`, or any byte of a multi-byte UTF-8 character (PostgreSQL's `ident_start`).
    fileprivate var isWordStart: Bool {
        (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") || self == UInt8(ascii: "_")
            || self >= 0x80
    }
    /// PostgreSQL's whitespace: space, tab, newline, carriage return, form feed, vertical tab.
    fileprivate var isSpace: Bool { self == 32 || (self >= 9 && self <= 13) }
}
