import Yams

/// YAML text that keeps a node's local tags (`!Ref X`, `!Sub …`), which Yams' emitter drops from scalars: a catalog
/// edit's value, or a whole template after edits, written back in flow style.
public enum TaggedYAML {
    /// Whether `node` or a node inside it has a local tag.
    public static func hasLocalTag(_ node: Node) -> Bool {
        if Self.localTag(node) != nil { return true }
        switch node {
        case let .sequence(sequence): return sequence.contains(where: Self.hasLocalTag)
        case let .mapping(mapping): return mapping.contains { Self.hasLocalTag($0.key) || Self.hasLocalTag($0.value) }
        case .scalar, .alias: return false
        }
    }

    /// `node` as flow-style YAML with its local tags: plain scalars stay plain where flow style allows (an empty one
    /// stays null), others are double-quoted.
    public static func flowText(_ node: Node) -> String {
        let tag = Self.localTag(node).map { $0 + " " } ?? ""
        switch node {
        case let .scalar(scalar):
            let text = scalar.string
            if scalar.style == .plain, text.isEmpty, tag.isEmpty { return "null" }
            let special =
                text.isEmpty || text.contains(where: { ",[]{}#&*!|>'\"%@`:\n".contains($0) }) || text.first == " "
                || text.last == " "
            guard scalar.style != .plain || special else { return tag + text }
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return tag + "\"" + escaped + "\""
        case let .sequence(sequence): return tag + "[" + sequence.map(Self.flowText).joined(separator: ", ") + "]"
        case let .mapping(mapping):
            return tag + "{"
                + mapping.map { "\(Self.flowText($0.key)): \(Self.flowText($0.value))" }.joined(separator: ", ") + "}"
        case .alias: return "null"
        }
    }

    /// `!Ref`, not a standard `!!str` or a resolved `tag:yaml.org,2002:…`.
    private static func localTag(_ node: Node) -> String? {
        let tag = node.tag.rawValue
        return tag.hasPrefix("!") && !tag.hasPrefix("!!") ? tag : nil
    }
}
