import SandboxPostgresWire

/// The types PostgreSQL would give a statement's untyped `$n` parameters, read from where each stands: compared with
/// or assigned to a column (`price > $1`, `SET name = $2`), inserted into one (`INSERT INTO items (name) VALUES ($1)`),
/// or a LIMIT/OFFSET. Drivers that encode by the server's ParameterDescription (asyncpg, JDBC) need them.
enum ParameterTyping {
    typealias Token = PostgresSQLText.Token

    /// The tables a statement names (after FROM, JOIN, INTO, UPDATE), lower-cased.
    static func tables(in statement: PostgresSQLText) -> [String] {
        let tokens = statement.significant
        return tokens.indices.compactMap { index in
            guard ["FROM", "JOIN", "INTO", "UPDATE"].contains(tokens[index].upper), index + 1 < tokens.count else {
                return nil
            }
            let name = tokens[index + 1]
            guard name.kind == .word || name.kind == .quotedIdentifier else { return nil }
            return name.text.trimmingQuotes.lowercased()
        }
    }

    /// For each of `count` parameters, the type of the column it meets (by `columnType`), or nil.
    static func infer(
        _ statement: PostgresSQLText,
        count: Int,
        columnType: (String) -> PostgresType?
    ) -> [PostgresType?] {
        var types = [PostgresType?](repeating: nil, count: count)
        let tokens = statement.significant
        func assign(_ number: Int, _ type: PostgresType?) {
            guard number >= 1, number <= count, types[number - 1] == nil, let type else { return }
            types[number - 1] = type
        }
        func column(_ token: Token) -> PostgresType? {
            guard token.kind == .word || token.kind == .quotedIdentifier else { return nil }
            return columnType(token.text.trimmingQuotes.lowercased())
        }
        let comparison: Set<String> = ["=", "<", ">", "!"]
        for (index, token) in tokens.enumerated() {
            guard case let .parameter(number) = token.kind else { continue }
            // Backwards over an operator (`<=`, `<>`, `LIKE`) to the column before it.
            var before = index - 1
            while before >= 0, comparison.contains(tokens[before].text) { before -= 1 }
            if before >= 0, tokens[before].upper == "LIKE" || tokens[before].upper == "ILIKE" { before -= 1 }
            if before < index - 1, before >= 0 { assign(number, column(tokens[before])) }
            if index > 0, ["LIMIT", "OFFSET"].contains(tokens[index - 1].upper) { assign(number, .int8) }
            // Forwards: `$1 = price`.
            var after = index + 1
            while after < tokens.count, comparison.contains(tokens[after].text) { after += 1 }
            if after > index + 1, after < tokens.count { assign(number, column(tokens[after])) }
        }
        // INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4): by position.
        if let into = tokens.firstIndex(where: { $0.upper == "INTO" }), into + 2 < tokens.count,
            tokens[into + 2].text == "("
        {
            var columns: [Token] = []
            var index = into + 3
            while index < tokens.count, tokens[index].text != ")" {
                if tokens[index].text != "," { columns.append(tokens[index]) }
                index += 1
            }
            var position = 0
            for token in tokens[index...] {
                switch token.kind {
                case let .parameter(number) where !columns.isEmpty:
                    assign(number, column(columns[position % columns.count]))
                default: break
                }
                if token.text == "," { position += 1 } else if token.text == "(" { position = 0 }
            }
        }
        return types
    }
}
