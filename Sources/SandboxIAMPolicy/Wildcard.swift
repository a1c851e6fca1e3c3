/// IAM's `*` (any run) and `?` (any one character) matching, without regular expressions. ASCII (ARNs, actions)
/// is matched byte by byte; anything else by Unicode scalar.
public enum Wildcard {
    public static func matches(_ pattern: String, _ text: String, ignoringCase: Bool = false) -> Bool {
        let pattern = ignoringCase ? pattern.lowercased() : pattern
        let text = ignoringCase ? text.lowercased() : text
        if pattern.utf8.allSatisfy({ $0 < 0x80 }), text.utf8.allSatisfy({ $0 < 0x80 }) {
            return Self.matches(Array(pattern.utf8), Array(text.utf8), any: UInt8(ascii: "?"), run: UInt8(ascii: "*"))
        }
        return Self.matches(Array(pattern.unicodeScalars), Array(text.unicodeScalars), any: "?", run: "*")
    }

    private static func matches<C: Equatable>(_ p: [C], _ t: [C], any: C, run: C) -> Bool {
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == any || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == run {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == run { pi += 1 }
        return pi == p.count
    }
}
