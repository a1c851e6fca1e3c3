import SandboxAWSCore
import Yams

/// A value written in YAML as free-form structure (a policy document, JSON held as text): its keys are not
/// checked against a model.
public protocol FreeFormYAML {}

/// A model type whose YAML keys are not its property names.
public protocol RenamedYAMLKeys {
    static func yamlKey(for property: String) -> String
}

extension JSONText: FreeFormYAML {}

/// GenerateSecretString's options keep Secrets Manager's names: `PasswordLength`.
extension PasswordOptions: RenamedYAMLKeys {
    public static func yamlKey(for property: String) -> String {
        property.prefix(1).uppercased() + property.dropFirst()
    }
}

/// Finds the keys of a YAML document that the decoded model has no field for (a typo such as `databasez:`, or
/// a whole CloudFormation template read as a topology), with their path, line and the nearest known key.
///
/// The decoded value's stored properties (by reflection, so every model type is covered without a list of its
/// keys) are the known keys at each mapping; a sequence is walked element by element, a dictionary's values
/// with their keys as written, and a scalar or a `FreeFormYAML` value ends the walk.
public enum UnknownKeys {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// `network.vpcs[0].subnetz`.
        public var path: String
        public var line: Int?
        public var nearest: String?
        /// The keys the model has there, sorted.
        public var known: [String]

        public var description: String {
            "\(self.path)\(self.line.map { " (line \($0))" } ?? ""): unknown key"
                + (self.nearest.map { "; did you mean \($0)?" }
                    ?? "; known keys here: \(self.known.joined(separator: ", "))")
        }
    }

    /// The unknown keys of `text` (parsed as YAML) for `value`, the model decoded from it, in document order.
    public static func find(in text: String, for value: Any) -> [Finding] {
        guard let node = try? Yams.compose(yaml: text) else { return [] }
        var findings: [Finding] = []
        self.walk(node, value, path: "", into: &findings)
        return findings
    }

    private static func walk(_ node: Node, _ value: Any, path: String, into findings: inout [Finding]) {
        if value is FreeFormYAML { return }
        let mirror = Mirror(reflecting: value)
        switch (mirror.displayStyle, node) {
        case (.optional, _):
            if let wrapped = mirror.children.first?.value { self.walk(node, wrapped, path: path, into: &findings) }
        case let (.collection, .sequence(sequence)):
            for (index, (element, child)) in zip(sequence, mirror.children).enumerated() {
                self.walk(element, child.value, path: "\(path)[\(index)]", into: &findings)
            }
        case let (.dictionary, .mapping(mapping)):
            let values = Dictionary(
                mirror.children.compactMap { pair -> (String, Any)? in
                    let entry = Array(Mirror(reflecting: pair.value).children)
                    guard entry.count == 2 else { return nil }
                    return ("\(entry[0].value)", entry[1].value)
                },
                uniquingKeysWith: { first, _ in first }
            )
            for (key, child) in mapping {
                guard let name = key.string, let decoded = values[name] else { continue }
                self.walk(child, decoded, path: self.join(path, name), into: &findings)
            }
        case let (.struct, .mapping(mapping)), let (.class, .mapping(mapping)):
            let rename = (type(of: value) as? RenamedYAMLKeys.Type)?.yamlKey(for:) ?? { $0 }
            let fields = Dictionary(
                mirror.children.compactMap { child in child.label.map { (rename($0), child.value) } },
                uniquingKeysWith: { first, _ in first }
            )
            for (key, child) in mapping {
                guard let name = key.string else { continue }
                if let field = fields[name] {
                    self.walk(child, field, path: self.join(path, name), into: &findings)
                } else {
                    let known = fields.keys.sorted()
                    findings.append(
                        Finding(
                            path: self.join(path, name),
                            line: key.mark?.line,
                            nearest: self.nearest(to: name, in: known),
                            known: known
                        )
                    )
                }
            }
        default:
            return
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The known key within a third of the key's length in edits (at least 2), the closest first.
    public static func nearest(to key: String, in known: [String]) -> String? {
        let limit = max(2, key.count / 3)
        return known.map { ($0, self.distance(key.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= limit }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
