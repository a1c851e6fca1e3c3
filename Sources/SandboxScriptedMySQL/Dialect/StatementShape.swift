import SandboxMySQLWire

/// What the server needs to know of a statement's text before running it: its leading words, whether it writes
/// (and so needs the schema's write lock), whether it may sleep. Applications send the same texts over and over,
/// so shapes are kept by text (up to 4,096) and the lexical pass runs once per distinct statement.
struct StatementShape: Sendable {
    /// The leading words as written (quoted names keep their quotes), at most 8.
    var rawWords: [String]
    /// The same, upper-cased.
    var words: [String]
    var isWrite: Bool
    /// It calls SLEEP(): it must not run on an event loop.
    var sleeps: Bool

    private static let cache = StatementTextCache<StatementShape>()

    static func of(_ sql: String) -> StatementShape {
        if let known = Self.cache[sql] { return known }
        let rawWords = SQLText.leadingWordsPreservingCase(sql)
        let shape = StatementShape(
            rawWords: rawWords,
            words: rawWords.map { $0.uppercased() },
            isWrite: SQLText.isWrite(sql),
            sleeps: SQLText.containsIgnoringCase(sql, "SLEEP(")
        )
        Self.cache.keep(shape, for: sql)
        return shape
    }
}
