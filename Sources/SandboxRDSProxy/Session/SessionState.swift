import Foundation
import SandboxMySQLWire

/// The session state RDS Proxy tracks without pinning: the database, autocommit, character sets and
/// collation, sql_mode, time_zone and the session isolation level. `nil` / absent means the server's default.
struct SessionState: Sendable, Equatable {
    var database: String?
    /// Variable name → value as the client wrote it (`names` holds a SET NAMES clause).
    var variables: [String: String] = [:]

    /// The statements that take a connection in `current` state to this one. `reset` is set when some setting
    /// must go back to its default, which COM_RESET_CONNECTION does (keeping the database).
    func replay(from current: SessionState) -> (reset: Bool, statements: [String], database: String?) {
        let reset = current.variables.contains { key, value in
            self.variables[key] != value && self.variables[key] == nil
        }
        let base = reset ? [:] : current.variables
        let statements = self.variables.sorted { $0.key < $1.key }.compactMap { key, value -> String? in
            guard base[key] != value else { return nil }
            switch key {
            case "names": return "SET NAMES \(value)"
            case "transaction_isolation": return "SET SESSION TRANSACTION ISOLATION LEVEL \(value)"
            default: return "SET SESSION \(key) = \(value)"
            }
        }
        return (reset, statements, self.database != current.database ? self.database : nil)
    }

    /// Whether a connection in `current` state needs anything replayed to be in this one.
    func needsReplay(from current: SessionState) -> Bool {
        let plan = self.replay(from: current)
        return plan.reset || plan.database != nil || !plan.statements.isEmpty
    }
}

/// What a statement does to the proxy's handling of its session: which tracked settings it changes, or why
/// it pins the client to its backend connection (RDS Proxy's pinning conditions for MySQL).
struct StatementEffect: Sendable, Equatable {
    var changes: [String: String] = [:]
    var database: String?
    var pinReason: String?

    static let tracked: Set<String> = [
        "autocommit", "character_set_client", "character_set_connection", "character_set_results",
        "character_set_server", "collation_connection", "sql_mode", "time_zone", "transaction_isolation",
    ]

    /// Effects by statement text, one cache per value of the EXCLUDE_VARIABLE_SETS filter: clients send the same texts
    /// over and over, so each is classified once.
    private static let known = (
        pinning: StatementTextCache<StatementEffect>(), excludingVariableSets: StatementTextCache<StatementEffect>()
    )

    /// Classifies one COM_QUERY; `excludeVariableSets` is the EXCLUDE_VARIABLE_SETS pinning filter.
    static func of(_ sql: String, excludeVariableSets: Bool) -> StatementEffect {
        let cache = excludeVariableSets ? Self.known.excludingVariableSets : Self.known.pinning
        if let effect = cache[sql] { return effect }
        let effect = Self.classify(sql, excludeVariableSets: excludeVariableSets)
        cache.keep(effect, for: sql)
        return effect
    }

    private static func classify(_ sql: String, excludeVariableSets: Bool) -> StatementEffect {
        if sql.utf8.count > 16_384 { return StatementEffect(pinReason: "a statement larger than 16 KB") }
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let upper = text.uppercased()
        let words = upper.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).prefix(4).map(String.init)
        if words.first == "USE", words.count >= 2 {
            return StatementEffect(database: Self.unquote(String(text.split(separator: " ")[1])))
        }
        if words.starts(with: ["LOCK", "TABLES"]) || words.starts(with: ["LOCK", "TABLE"]) {
            return StatementEffect(pinReason: "LOCK TABLES")
        }
        if words.starts(with: ["FLUSH", "TABLES", "WITH"]) {
            return StatementEffect(pinReason: "FLUSH TABLES WITH READ LOCK")
        }
        if words.starts(with: ["CREATE", "TEMPORARY"]) { return StatementEffect(pinReason: "a temporary table") }
        if upper.contains("GET_LOCK(") { return StatementEffect(pinReason: "GET_LOCK") }
        if words.first == "PREPARE" { return StatementEffect(pinReason: "a prepared statement") }
        guard words.first == "SET" else { return StatementEffect() }
        return Self.set(
            String(text.dropFirst(3)).trimmingCharacters(in: .whitespaces),
            excludeVariableSets: excludeVariableSets
        )
    }

    private static func set(_ body: String, excludeVariableSets: Bool) -> StatementEffect {
        let upper = body.uppercased()
        if upper.hasPrefix("NAMES ") { return StatementEffect(changes: ["names": String(body.dropFirst(6))]) }
        if upper.hasPrefix("CHARACTER SET ") { return StatementEffect(changes: ["names": String(body.dropFirst(14))]) }
        for prefix in ["SESSION TRANSACTION ISOLATION LEVEL ", "TRANSACTION ISOLATION LEVEL "]
        where upper.hasPrefix(prefix) {
            return StatementEffect(changes: ["transaction_isolation": String(body.dropFirst(prefix.count))])
        }
        var effect = StatementEffect()
        for assignment in SQLStatementText.splitTopLevel(body) where !assignment.isEmpty {
            guard let equals = assignment.firstIndex(of: "=") else {
                return StatementEffect(pinReason: "SET \(assignment)")
            }
            var name = assignment[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            for prefix in ["session ", "local ", "@@session.", "@@local.", "@@"] where name.hasPrefix(prefix) {
                name = String(name.dropFirst(prefix.count))
            }
            if name == "tx_isolation" { name = "transaction_isolation" }
            let value = assignment[assignment.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if Self.tracked.contains(name) {
                effect.changes[name] = value
            } else if !excludeVariableSets {
                return StatementEffect(pinReason: "SET \(name)")
            }
        }
        return effect
    }

    private static func unquote(_ name: String) -> String {
        name.trimmingCharacters(in: CharacterSet(charactersIn: "`'\";"))
    }
}
