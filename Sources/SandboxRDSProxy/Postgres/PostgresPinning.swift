import Foundation

/// Why a PostgreSQL statement pins its client to the database connection, by RDS Proxy's list for PostgreSQL: SET
/// (and set_config, RESET), temporary tables, sequences and views, DECLARE cursors, DISCARD, LISTEN, LOAD, sequence
/// functions, advisory locks, SQL-level PREPARE, and any statement over 16 KB. A parameterised query through the
/// extended protocol does not pin (RDS Proxy stopped pinning those in 2023). Nil: it does not pin.
enum PostgresPinning {
    static func reason(for sql: String) -> String? {
        let bytes = sql.utf8
        if bytes.count > 16_384 { return "a statement larger than 16 KB" }
        let words = Self.leadingWords(bytes, count: 3)
        switch words.first ?? "" {
        case "SET":
            // ends with the transaction
            if words.dropFirst().first == "LOCAL" || words.dropFirst().first == "TRANSACTION" { return nil }
            return "SET statement"
        case "RESET": return "RESET statement"
        case "DISCARD": return "DISCARD statement"
        case "LISTEN": return "LISTEN statement"
        case "LOAD": return "LOAD statement"
        case "DECLARE": return "DECLARE cursor"
        case "PREPARE": return "SQL-level PREPARE"
        case "CREATE" where words.count > 1 && ["TEMP", "TEMPORARY"].contains(words[1]):
            return "CREATE TEMPORARY \(words.count > 2 ? words[2] : "TABLE")"
        default: break
        }
        let haystack = Array(bytes)
        return Self.functions.first { Self.contains(haystack, $0.name) }?.reason
    }

    private static let functions: [(name: [UInt8], reason: String)] = [
        ("set_config(", "set_config() call"), ("nextval(", "sequence function nextval()"),
        ("setval(", "sequence function setval()"),
        ("pg_advisory", "advisory lock function"), ("pg_try_advisory", "advisory lock function"),
    ].map { (Array($0.0.utf8), $0.1) }

    /// The first `count` words (letters, digits, `_`), upper-cased.
    private static func leadingWords(_ bytes: String.UTF8View, count: Int) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        for byte in bytes {
            if byte.isWordByte {
                word.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
            } else if !word.isEmpty {
                words.append(String(decoding: word, as: UTF8.self))
                word.removeAll(keepingCapacity: true)
                if words.count == count { return words }
            }
        }
        if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }

    /// Whether `needle` (lower-case ASCII) occurs in `bytes`, ignoring ASCII case.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            needle.indices.allSatisfy {
                (haystack[start + $0] | (haystack[start + $0].isLetter ? 0x20 : 0)) == needle[$0]
            }
        }
    }
}

extension UInt8 {
    fileprivate var isLetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    fileprivate var isWordByte: Bool {
        self.isLetter || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")) || self == UInt8(ascii: "_")
            || self >= 0x80
    }
}
