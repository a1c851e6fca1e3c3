import NIOConcurrencyHelpers

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

    private static let cache = NIOLockedValueBox<[String: StatementShape]>([:])
    private static let cacheLimit = 4_096

    static func of(_ sql: String) -> StatementShape {
        if let known = Self.cache.withLockedValue({ $0[sql] }) { return known }
        let rawWords = SQLText.leadingWordsPreservingCase(sql)
        let shape = StatementShape(rawWords: rawWords, words: rawWords.map { $0.uppercased() }, isWrite: SQLText.isWrite(sql),
                                   sleeps: SQLText.containsIgnoringCase(sql, "SLEEP("))
        Self.cache.withLockedValue { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[sql] = shape
        }
        return shape
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
