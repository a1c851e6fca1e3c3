import Foundation

/// Statement text as both ends of the protocol read it (the scripted backend's dialect, the proxy's pinning rules).
package enum SQLStatementText {
    /// Splits at `separator` outside quotes and parentheses: `a = 1, b = 'x,y'` → the two assignments, trimmed.
    /// A blank last piece is dropped.
    package static func splitTopLevel(_ text: String, on separator: Character = ",") -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for char in text {
            if let open = quote {
                if char == open { quote = nil }
            } else if char == "'" || char == "\"" || char == "`" {
                quote = char
            } else if char == "(" {
                depth += 1
            } else if char == ")" {
                depth -= 1
            } else if char == separator, depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(char)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(current) }
        return parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
