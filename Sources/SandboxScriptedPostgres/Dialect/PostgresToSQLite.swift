/// Rewrites one PostgreSQL statement as SQLite runs it: `$n` → `?n`, casts (`::int`) dropped, SERIAL and IDENTITY
/// columns as SQLite's INTEGER PRIMARY KEY, `DEFAULT now()` parenthesised, the session functions SQLite lacks
/// (`current_user`, `current_database()`, `current_schema`) as literals, ILIKE as LIKE (SQLite's is
/// case-insensitive), `TRUNCATE` as DELETE, `CASCADE`/`RESTRICT` dropped.
struct PostgresToSQLite {
    var user: String
    var database: String

    func translate(_ statement: PostgresSQLText) -> String {
        var tokens = statement.tokens
        var out: [PostgresSQLText.Token] = []
        var index = 0
        func nextSignificant(after position: Int) -> Int? {
            var i = position + 1
            while i < tokens.count, tokens[i].kind == .space { i += 1 }
            return i < tokens.count ? i : nil
        }
        func literal(_ text: String) -> PostgresSQLText.Token { .init(kind: .string, text: "'" + text.replacingOccurrences(of: "'", with: "''") + "'") }
        if statement.leadingWords(1) == ["TRUNCATE"] {
            tokens = PostgresSQLText("DELETE FROM ").tokens + tokens.drop { $0.upper == "TRUNCATE" || $0.upper == "TABLE" || $0.kind == .space }
        }
        while index < tokens.count {
            let token = tokens[index]
            switch token.kind {
            case let .parameter(n):
                out.append(.init(kind: .symbol, text: "?\(n)"))
            case .symbol where token.text == "::":
                // Drop the cast and its type name (with a length like varchar(80), array brackets, multi-word names).
                var i = nextSignificant(after: index) ?? tokens.count
                while i < tokens.count, tokens[i].kind == .word || tokens[i].kind == .quotedIdentifier {
                    let word = tokens[i].upper
                    i += 1
                    if ["DOUBLE", "CHARACTER", "TIMESTAMP", "TIME"].contains(word), let n = nextSignificant(after: i - 1),
                       ["PRECISION", "VARYING", "WITH", "WITHOUT"].contains(tokens[n].upper) {
                        i = n
                        continue
                    }
                    if ["WITH", "WITHOUT", "TIME"].contains(word), let n = nextSignificant(after: i - 1), ["TIME", "ZONE"].contains(tokens[n].upper) {
                        i = n
                        continue
                    }
                    break
                }
                if i < tokens.count, tokens[i].text == "(" {
                    while i < tokens.count, tokens[i].text != ")" { i += 1 }
                    i += 1
                }
                while i + 1 < tokens.count, tokens[i].text == "[", tokens[i + 1].text == "]" { i += 2 }
                index = i
                continue
            case .word:
                switch token.upper {
                case "SERIAL", "SERIAL4", "BIGSERIAL", "SERIAL8", "SMALLSERIAL", "SERIAL2":
                    out.append(.init(kind: .word, text: "INTEGER"))
                case "GENERATED" where nextSignificant(after: index).map({ ["ALWAYS", "BY"].contains(tokens[$0].upper) }) == true:
                    // `<type> GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY`: the column becomes INTEGER (a rowid alias).
                    var i = index
                    while i < tokens.count, tokens[i].upper != "IDENTITY" { i += 1 }
                    if let typeIndex = out.lastIndex(where: { $0.kind == .word }) { out[typeIndex].text = "INTEGER" }
                    index = i + 1
                    continue
                case "ILIKE": out.append(.init(kind: .word, text: "LIKE"))
                case "CASCADE", "RESTRICT": break
                case "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE": out.append(literal(self.user))
                case "CURRENT_SCHEMA":
                    out.append(literal("public"))
                    if let open = nextSignificant(after: index), tokens[open].text == "(", let close = nextSignificant(after: open), tokens[close].text == ")" {
                        index = close + 1
                        continue
                    }
                case "CURRENT_DATABASE", "CURRENT_CATALOG":
                    out.append(literal(self.database))
                    if let open = nextSignificant(after: index), tokens[open].text == "(", let close = nextSignificant(after: open), tokens[close].text == ")" {
                        index = close + 1
                        continue
                    }
                case "DEFAULT":
                    // SQLite takes a function call as a default only in parentheses.
                    out.append(token)
                    if let name = nextSignificant(after: index), tokens[name].kind == .word, let open = nextSignificant(after: name), tokens[open].text == "(" {
                        var depth = 0, i = open
                        repeat {
                            if tokens[i].text == "(" { depth += 1 } else if tokens[i].text == ")" { depth -= 1 }
                            i += 1
                        } while depth > 0 && i < tokens.count
                        out.append(.init(kind: .space, text: " "))
                        out.append(.init(kind: .symbol, text: "("))
                        out += tokens[name..<i]
                        out.append(.init(kind: .symbol, text: ")"))
                        index = i
                        continue
                    }
                case "TIMESTAMPTZ":
                    out.append(token)
                case "TIMESTAMP", "TIME":
                    // `timestamp with time zone` → TIMESTAMPTZ; `without time zone` → the bare name.
                    if let with = nextSignificant(after: index), ["WITH", "WITHOUT"].contains(tokens[with].upper),
                       let time = nextSignificant(after: with), tokens[time].upper == "TIME",
                       let zone = nextSignificant(after: time), tokens[zone].upper == "ZONE" {
                        out.append(.init(kind: .word, text: tokens[with].upper == "WITH" ? token.text + "TZ" : token.text))
                        index = zone + 1
                        continue
                    }
                    out.append(token)
                default:
                    out.append(token)
                }
            default:
                out.append(token)
            }
            index += 1
        }
        return PostgresSQLText(tokens: out).text
    }
}
