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
        func literal(_ text: String) -> PostgresSQLText.Token {
            .init(kind: .string, text: "'" + text.replacingOccurrences(of: "'", with: "''") + "'")
        }
        func previousSignificant(before position: Int) -> Int? {
            var i = position - 1
            while i >= 0, tokens[i].kind == .space { i -= 1 }
            return i >= 0 ? i : nil
        }
        /// Whether the expression from `start` to `end` is a whole item of a SELECT list (`SELECT x,` … `x FROM`), at
        /// the SELECT's own parenthesis depth: PostgreSQL names its column after a session function, SQLite after the
        /// literal.
        func isSelectItem(_ start: Int, _ end: Int) -> Bool {
            guard let before = previousSignificant(before: start),
                tokens[before].text == "," || ["SELECT", "DISTINCT"].contains(tokens[before].upper)
            else {
                return false
            }
            let after = nextSignificant(after: end)
            guard after.map({ tokens[$0].text == "," || tokens[$0].upper == "FROM" || tokens[$0].text == ";" }) ?? true
            else { return false }
            var depth = 0
            var selectDepth: Int?
            for i in 0..<start {
                if tokens[i].text == "(" { depth += 1 } else if tokens[i].text == ")" { depth -= 1 }
                if tokens[i].upper == "SELECT" { selectDepth = depth }
            }
            return selectDepth == depth
        }
        /// A session function's value as a literal, named as PostgreSQL names its column when it is a select item.
        func sessionValue(_ value: String, from start: Int, to end: Int) -> [PostgresSQLText.Token] {
            guard isSelectItem(start, end) else { return [literal(value)] }
            return [
                literal(value), .init(kind: .space, text: " "), .init(kind: .word, text: "AS"),
                .init(kind: .space, text: " "),
                .init(kind: .quotedIdentifier, text: "\"\(tokens[start].text.lowercased())\""),
            ]
        }
        if statement.leadingWords(1) == ["TRUNCATE"] {
            tokens =
                PostgresSQLText("DELETE FROM ").tokens
                + tokens.drop { $0.upper == "TRUNCATE" || $0.upper == "TABLE" || $0.kind == .space }
        }
        while index < tokens.count {
            let token = tokens[index]
            switch token.kind {
            case let .parameter(n):
                out.append(.init(kind: .symbol, text: "?\(n)"))
            case .symbol
            where token.text == "~"
                || (token.text == "!" && nextSignificant(after: index).map { tokens[$0].text == "~" } == true):
                // PostgreSQL's regular-expression match (`~`, `!~`) as SQLite's REGEXP (PostgresCatalog registers it);
                // a `~` with no operand before it is the bitwise NOT, left as it is.
                guard
                    token.text == "!"
                        || previousSignificant(before: index).map({
                            [.word, .number, .string, .quotedIdentifier].contains(tokens[$0].kind)
                                || tokens[$0].text == ")"
                        }) == true
                else {
                    out.append(token)
                    index += 1
                    continue
                }
                out.append(.init(kind: .word, text: token.text == "!" ? "NOT REGEXP" : "REGEXP"))
                index = token.text == "!" ? (nextSignificant(after: index) ?? index) + 1 : index + 1
                continue
            case .symbol where token.text == "::":
                // Drop the cast and its type name (with a length like varchar(80), array brackets, multi-word names).
                var i = nextSignificant(after: index) ?? tokens.count
                while i < tokens.count, tokens[i].kind == .word || tokens[i].kind == .quotedIdentifier {
                    let word = tokens[i].upper
                    i += 1
                    if ["DOUBLE", "CHARACTER", "TIMESTAMP", "TIME"].contains(word),
                        let n = nextSignificant(after: i - 1),
                        ["PRECISION", "VARYING", "WITH", "WITHOUT"].contains(tokens[n].upper)
                    {
                        i = n
                        continue
                    }
                    if ["WITH", "WITHOUT", "TIME"].contains(word), let n = nextSignificant(after: i - 1),
                        ["TIME", "ZONE"].contains(tokens[n].upper)
                    {
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
                case "GENERATED"
                where nextSignificant(after: index).map({ ["ALWAYS", "BY"].contains(tokens[$0].upper) }) == true:
                    // `<type> GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY`: the column becomes INTEGER (a rowid alias).
                    var i = index
                    while i < tokens.count, tokens[i].upper != "IDENTITY" { i += 1 }
                    if let typeIndex = out.lastIndex(where: { $0.kind == .word }) { out[typeIndex].text = "INTEGER" }
                    index = i + 1
                    continue
                case "PG_CATALOG" where nextSignificant(after: index).map({ tokens[$0].text == "." }) == true:
                    // `pg_catalog.pg_class`, `pg_catalog.pg_get_userbyid(…)`: the catalog's views and functions are
                    // unqualified here.
                    index = (nextSignificant(after: index) ?? index) + 1
                    continue
                case "ILIKE": out.append(.init(kind: .word, text: "LIKE"))
                case "CASCADE", "RESTRICT": break
                case "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_DATABASE",
                    "CURRENT_CATALOG":
                    let value =
                        switch token.upper {
                        case "CURRENT_SCHEMA": "public"
                        case "CURRENT_DATABASE", "CURRENT_CATALOG": self.database
                        default: self.user
                        }
                    // With empty parentheses (current_database(), current_schema()) the call is one item.
                    var end = index
                    if let open = nextSignificant(after: index), tokens[open].text == "(",
                        let close = nextSignificant(after: open), tokens[close].text == ")"
                    {
                        end = close
                    }
                    out += sessionValue(value, from: index, to: end)
                    index = end + 1
                    continue
                case "DEFAULT":
                    // SQLite takes a function call as a default only in parentheses.
                    out.append(token)
                    if let name = nextSignificant(after: index), tokens[name].kind == .word,
                        let open = nextSignificant(after: name), tokens[open].text == "("
                    {
                        var depth = 0
                        var i = open
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
                        let zone = nextSignificant(after: time), tokens[zone].upper == "ZONE"
                    {
                        out.append(
                            .init(kind: .word, text: tokens[with].upper == "WITH" ? token.text + "TZ" : token.text)
                        )
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
