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

    private static func describe(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
