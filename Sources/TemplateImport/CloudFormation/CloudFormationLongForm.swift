import Yams

/// A CloudFormation YAML document with its short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub …`) written in their long
/// forms (`{Ref: X}`, `{Fn::GetAtt: [A, B]}`, `{Fn::Sub: …}`), which CloudFormation reads the same: a template edited
/// as YAML nodes can then be written out whole (YAML emitters drop a scalar's tag).
public enum CloudFormationLongForm {
    public static func expand(_ node: Node) -> Node {
        let untagged: Node
        switch node {
        case let .scalar(scalar): untagged = .scalar(Node.Scalar(scalar.string, .implicit, scalar.style))
        case let .sequence(sequence): untagged = .sequence(Node.Sequence(sequence.map(Self.expand), .implicit, sequence.style))
        case let .mapping(mapping): untagged = .mapping(Node.Mapping(mapping.map { ($0.key, Self.expand($0.value)) }, .implicit, mapping.style))
        case .alias: return node
        }
        guard let function = TemplateReader.shortForms[node.tag.rawValue] else { return node.tag.rawValue.hasPrefix("!") ? node : untagged }
        if function == "Fn::GetAtt", let text = untagged.scalar?.string, let dot = text.firstIndex(of: ".") {
            return Node([(Node(function), Node([Node(String(text[..<dot])), Node(String(text[text.index(after: dot)...]))]))])
        }
        return Node([(Node(function), untagged)])
    }
}
