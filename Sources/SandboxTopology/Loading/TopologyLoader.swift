import Foundation
import SandboxMySQLWire
import Yams

/// Reads a topology from YAML (or JSON, which is YAML), resolving file paths against the file's folder.
public enum TopologyLoader {
    public static func load(path: String) throws -> (Topology, baseDirectory: URL) {
        let url = URL(fileURLWithPath: path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TopologyError(path: path, "cannot read the file; check the path")
        }
        let base = url.deletingLastPathComponent()
        do {
            let topology = try self.parse(text, source: path)
            try topology.validateProcessFunctions(baseDirectory: base)
            return (topology, base)
        } catch var error as TopologyError {
            error.line = error.line ?? Self.line(of: error.path, in: text)
            error.file = error.file ?? (error.path == path ? nil : path)
            throw error
        }
    }

    public static func parse(_ text: String, source: String = "topology") throws -> Topology {
        do {
            return try self.decode(text, source: source)
        } catch var error as TopologyError {
            error.line = error.line ?? Self.line(of: error.path, in: text)
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
            let allowed = context.codingPath.last.flatMap { Self.allowedValues[$0.stringValue] }
            throw TopologyError(
                path: Self.describe(context.codingPath),
                context.debugDescription + (allowed.map { "; use one of \($0.joined(separator: ", "))" } ?? "")
            )
        } catch {
            throw TopologyError(path: source, "is not valid YAML: \(error)")
        }
        try self.refuseUnknownKeys(in: text, for: topology)
        try topology.validate()
        return topology
    }

    /// A typo (`databasez:`) or another kind of document must not read as a valid, emptier topology.
    static func refuseUnknownKeys(in text: String, for topology: Topology) throws {
        let findings = UnknownKeys.find(in: text, for: topology)
        guard let first = findings.first else { return }
        var reason =
            "is not a key of the topology"
            + (first.nearest.map { "; did you mean \($0)?" }
                ?? "; the keys there are \(first.known.joined(separator: ", "))")
        if ["AWSTemplateFormatVersion", "Resources", "Transform"].contains(first.path) {
            reason += " (this is a CloudFormation/SAM template, not a topology)"
        } else if ["format_version", "values", "planned_values"].contains(first.path) {
            reason += " (this is Terraform JSON, not a topology)"
        }
        if findings.count > 1 {
            reason +=
                "; also unknown: "
                + findings.dropFirst().map { "\($0.path)" + ($0.line.map { " (line \($0))" } ?? "") }.joined(
                    separator: ", "
                )
        }
        throw TopologyError(path: first.path, reason, line: first.line)
    }

    /// The values of the topology's enum-like keys, for the error that names a wrong one.
    static let allowedValues: [String: [String]] = [
        "plugin": MySQLAuthPlugin.allCases.map(\.rawValue),
        "engine": Topology.DatabaseInstance.Engine.allCases.map(\.rawValue),
        "method": Topology.DatabaseInstance.PostgresMethod.allCases.map(\.rawValue),
        "tls": Topology.DatabaseInstance.TLSMode.allCases.map(\.rawValue),
        "iamAuth": Topology.Proxy.Auth.IAMAuth.allCases.map(\.rawValue),
        "clientPasswordAuthType": Topology.Proxy.Auth.ClientPasswordAuthType.allCases.map(\.rawValue),
        "auth": Topology.Function.SQL.Auth.allCases.map(\.rawValue),
        "profile": Topology.Cluster.Failover.Profile.allCases.map(\.rawValue),
        "deniedConnections": ["drop", "reset"],
    ]

    /// The line of `path` (`network.vpcs[0].subnets[1].cidr`) in the YAML text, or of its deepest written parent.
    static func line(of path: String, in text: String) -> Int? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        var line = node.mark?.line
        for token in path.split(whereSeparator: { $0 == "." || $0 == "[" }) {
            let next: Node?
            if token.hasSuffix("]"), let index = Int(token.dropLast()) {
                if case let .sequence(sequence) = node, sequence.indices.contains(index) {
                    next = sequence[index]
                } else {
                    next = nil
                }
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
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: ".")
        )
    }
}
