import Foundation
import Yams

/// Reads a topology from YAML (or JSON, which is YAML), resolving file paths against the file's folder.
public enum TopologyLoader {
    public static func load(path: String) throws -> (Topology, baseDirectory: URL) {
        let url = URL(fileURLWithPath: path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TopologyError(path: path, "cannot read the file; check the path")
        }
        return (try self.parse(text, source: path), url.deletingLastPathComponent())
    }

    public static func parse(_ text: String, source: String = "topology") throws -> Topology {
        do {
            return try self.decode(text, source: source)
        } catch var error as TopologyError {
            error.line = Self.line(of: error.path, in: text)
            throw error
        }
    }

    private static func decode(_ text: String, source: String) throws -> Topology {
        let topology: Topology
        do {
            topology = try YAMLDecoder().decode(Topology.self, from: text)
        } catch let DecodingError.keyNotFound(key, context) {
            throw TopologyError(path: Self.describe(context.codingPath + [key]), "is missing; add it")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw TopologyError(path: Self.describe(context.codingPath), context.debugDescription)
        } catch let DecodingError.dataCorrupted(context) {
            throw TopologyError(path: Self.describe(context.codingPath), "\(context.debugDescription) (plugins: mysql_native_password, caching_sha2_password, mysql_clear_password; tls: required, optional, disabled)")
        } catch {
            throw TopologyError(path: source, "is not valid YAML: \(error)")
        }
        try topology.validate()
        return topology
    }

    /// The line of `path` (`network.vpcs[0].subnets[1].cidr`) in the YAML text, or of its deepest written parent.
    static func line(of path: String, in text: String) -> Int? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        var line = node.mark?.line
        for token in path.split(whereSeparator: { $0 == "." || $0 == "[" }) {
            let next: Node?
            if token.hasSuffix("]"), let index = Int(token.dropLast()) {
                if case let .sequence(sequence) = node, sequence.indices.contains(index) { next = sequence[index] } else { next = nil }
            } else {
                next = node[String(token)]
            }
            guard let next else { break }
            node = next
            line = next.mark?.line ?? line
        }
        return line
    }

    private static func describe(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
