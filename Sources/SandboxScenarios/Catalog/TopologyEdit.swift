import Yams

/// One change to a topology's YAML: `set` a value, `remove` it, or `append` to a list, at a path such as
/// `network.vpcs[vpc-app].securityGroups[sg-proxy].ingress[0]`, where `[x]` is an index or the element whose
/// `id`, `name` or `alias` is x.
public struct TopologyEdit: Sendable, Equatable {
    public enum Operation: String, Sendable, CaseIterable {
        case set, remove, append
    }

    public var operation: Operation
    public var path: String
    /// The value set or appended, as YAML text; absent for `remove`.
    public var value: String?
    /// Where the edit is written in its catalog file.
    public var line: Int?

    public init(_ operation: Operation, _ path: String, value: String? = nil, line: Int? = nil) {
        self.operation = operation
        self.path = path
        self.value = value
        self.line = line
    }

    /// A path that names nothing in the topology, with what is there.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(self.path): \(self.reason)" }
    }

    enum Step: Equatable {
        case key(String)
        case element(String)
    }

    /// The edit applied to `node`.
    public func applied(to node: Node) throws(Failure) -> Node {
        let steps = try self.steps()
        return try self.apply(steps[...], to: node, at: "")
    }

    func steps() throws(Failure) -> [Step] {
        var steps: [Step] = []
        for part in self.path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let key = rest.prefix { $0 != "[" }
            if !key.isEmpty { steps.append(.key(String(key))) }
            rest = rest.dropFirst(key.count)
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else {
                    throw Failure(path: self.path, reason: "an unclosed [")
                }
                steps.append(.element(String(rest[rest.index(after: rest.startIndex)..<close])))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty, !(key.isEmpty && steps.isEmpty) else {
                throw Failure(path: self.path, reason: "write keys with dots and elements as [index] or [id]")
            }
        }
        return steps
    }

    private func apply(_ steps: ArraySlice<Step>, to node: Node, at prefix: String) throws(Failure) -> Node {
        guard let step = steps.first else {
            switch self.operation {
            case .set: return try self.required()
            case .append:
                guard case var .sequence(sequence) = node else {
                    throw Failure(path: prefix, reason: "is not a list to append to")
                }
                sequence.append(try self.required())
                return .sequence(sequence)
            case .remove: throw Failure(path: prefix, reason: "cannot remove the whole topology")
            }
        }
        let rest = steps.dropFirst()
        switch (step, node) {
        case let (.key(key), .mapping(mapping)):
            let here = prefix.isEmpty ? key : "\(prefix).\(key)"
            var pairs = Array(mapping)
            let index = pairs.firstIndex { $0.key.string == key }
            if rest.isEmpty, self.operation == .remove {
                guard let index else {
                    throw Failure(path: here, reason: "is not in the topology; keys there: \(Self.keys(of: mapping))")
                }
                pairs.remove(at: index)
            } else if let index {
                pairs[index].value = try self.apply(rest, to: pairs[index].value, at: here)
            } else if rest.isEmpty || rest.first.map({ if case .key = $0 { true } else { false } }) == true {
                // A key that is not written yet: set (or append to a new list, or build the mapping) from nothing.
                let empty: Node = self.operation == .append && rest.isEmpty ? .sequence(.init([])) : .mapping(.init([]))
                pairs.append((Node(key), try self.apply(rest, to: empty, at: here)))
            } else {
                throw Failure(path: here, reason: "is not in the topology; keys there: \(Self.keys(of: mapping))")
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case let (.element(selector), .sequence(sequence)):
            let here = "\(prefix)[\(selector)]"
            var nodes = Array(sequence)
            guard let index = Self.index(of: selector, in: nodes) else {
                throw Failure(path: here, reason: "no element \(selector); there are \(Self.names(of: nodes))")
            }
            if rest.isEmpty, self.operation == .remove {
                nodes.remove(at: index)
            } else {
                nodes[index] = try self.apply(rest, to: nodes[index], at: here)
            }
            return .sequence(Node.Sequence(nodes, sequence.tag, sequence.style, sequence.mark))
        case (.key, _):
            throw Failure(path: prefix, reason: "is not a mapping")
        case (.element, _):
            throw Failure(path: prefix, reason: "is not a list")
        }
    }

    private func required() throws(Failure) -> Node {
        guard let text = self.value, let value = try? Yams.compose(yaml: text) else {
            throw Failure(path: self.path, reason: "\(self.operation.rawValue) needs a value written in YAML")
        }
        return value
    }

    private static func index(of selector: String, in nodes: [Node]) -> Int? {
        if let index = Int(selector) { return nodes.indices.contains(index) ? index : nil }
        return nodes.firstIndex { node in ["id", "name", "alias"].contains { node[$0]?.string == selector } }
    }

    private static func names(of nodes: [Node]) -> String {
        let names = nodes.enumerated().map { index, node in
            ["id", "name", "alias"].lazy.compactMap { node[$0]?.string }.first ?? "[\(index)]"
        }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    private static func keys(of mapping: Node.Mapping) -> String {
        mapping.keys.compactMap(\.string).joined(separator: ", ")
    }
}
