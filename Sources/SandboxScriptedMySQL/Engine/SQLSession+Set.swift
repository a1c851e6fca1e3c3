import SandboxMySQLWire

extension SQLSession {
    /// SET NAMES, SET CHARACTER SET, SET [SESSION|GLOBAL] var = value, SET @@var = value, SET @user = value,
    /// SET [SESSION] TRANSACTION ISOLATION LEVEL ...
    func set(_ sql: String) throws(ErrorPacket) -> StatementResult {
        var body = SQLText.normalized(sql)
        body = String(body.dropFirst(3)).trimmingCharacters(in: .whitespaces)
        let upper = body.uppercased()
        if upper.hasPrefix("NAMES") || upper.hasPrefix("CHARACTER SET") || upper.hasPrefix("CHARSET") {
            let charset = Self.unquote(
                String(body.split(separator: " ").dropFirst(upper.hasPrefix("CHARACTER") ? 2 : 1).first ?? "utf8mb4")
            )
            for name in ["character_set_client", "character_set_connection", "character_set_results"] {
                self.variables[name] = charset
            }
            return .done
        }
        if let range = upper.range(of: "TRANSACTION"),
            upper[..<range.lowerBound].split(separator: " ").allSatisfy({ ["SESSION", "GLOBAL", "LOCAL"].contains($0) })
        {
            if let level = upper.range(of: "ISOLATION LEVEL ") {
                let value =
                    upper[level.upperBound...].split(separator: ",").first.map {
                        $0.trimmingCharacters(in: .whitespaces)
                    } ?? ""
                self.variables["transaction_isolation"] = value.replacingOccurrences(of: " ", with: "-")
            }
            return .done
        }
        for assignment in SQLStatementText.splitTopLevel(body) {
            guard let equals = assignment.firstIndex(of: "=") else { throw .syntaxError(near: assignment) }
            var name = assignment[..<equals].trimmingCharacters(in: .whitespaces).replacingOccurrences(
                of: ":",
                with: ""
            )
            let value = Self.unquote(String(assignment[assignment.index(after: equals)...]))
            if name.hasPrefix("@"), !name.hasPrefix("@@") { continue }  // user variables are accepted and not stored
            for scope in ["SESSION ", "GLOBAL ", "LOCAL ", "PERSIST "] where name.uppercased().hasPrefix(scope) {
                name = String(name.dropFirst(scope.count)).trimmingCharacters(in: .whitespaces)
            }
            let key = Self.variableName(name)
            if key == "autocommit" {
                let on = ["1", "ON", "TRUE"].contains(value.uppercased())
                if on, !self.autocommit { _ = self.execute("COMMIT") }
                self.autocommit = on
                continue
            }
            guard self.variables[key] != nil else { throw SQLError.unknownVariable(key) }
            self.variables[key] = value.uppercased() == "DEFAULT" ? self.variables[key] : value
        }
        return .done
    }
}
