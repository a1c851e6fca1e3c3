import CloudSandbox
import Foundation
import Yams

/// A catalog file that cannot be used, with its path, line and what to change.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int?, _ reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(self.file)\(self.line.map { ":\($0)" } ?? ""): \(self.reason)" }
}

extension CatalogEntry {
    static let keys = [
        "id", "title", "customerSees", "base", "break", "probe", "symptom", "explanation", "fix", "fixedProbe",
        "fixText", "undiagnosable", "templateForm",
        "noTemplateForm",
    ]

    /// Reads a catalog file; unknown keys, missing fields and malformed values are refused with their line.
    public static func load(file: String) throws(CatalogError) -> CatalogEntry {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CatalogError(file: file, line: nil, "cannot read the file; check the path")
        }
        return try self.parse(text, file: file)
    }

    public static func parse(_ text: String, file: String) throws(CatalogError) -> CatalogEntry {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw CatalogError(
                    file: file,
                    line: nil,
                    "is empty; write an entry (see Sandbox/misconfigurations/README.md)"
                )
            }
            root = node
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError(file: file, line: nil, "is not valid YAML: \(error)")
        }
        let reader = NodeReader(file: file)
        let entry = try reader.mapping(root, "the entry", keys: Self.keys)
        let base = try reader.string(entry, "base")
        guard entry["fix"] != nil || entry["fixedProbe"] != nil else {
            throw CatalogError(
                file: file,
                line: root.mark?.line,
                "an entry has a fix (edits of the topology) or a fixedProbe (what the client does instead), or both"
            )
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        return CatalogEntry(
            id: try reader.string(entry, "id"),
            title: try reader.string(entry, "title"),
            customerSees: try reader.string(entry, "customerSees"),
            base: URL(fileURLWithPath: base, relativeTo: folder).standardizedFileURL.path,
            breaks: try reader.edits(entry, "break"),
            probe: try reader.probe(try reader.required(entry, "probe")),
            symptom: try reader.symptom(try reader.required(entry, "symptom")),
            explanation: try reader.strings(entry, "explanation"),
            fixes: try reader.edits(entry, "fix"),
            fixedProbe: try entry["fixedProbe"].map { (node) throws(CatalogError) in try reader.probe(node) },
            fixText: try reader.string(entry, "fixText"),
            undiagnosable: try reader.optionalString(entry, "undiagnosable")
                ?? (entry["break"] == nil ? "the mistake is in the client, not the topology" : nil),
            templateForm: try entry["templateForm"].map { (node) throws(CatalogError) in
                try reader.templateForm(node, folder: folder)
            },
            noTemplateForm: try reader.optionalString(entry, "noTemplateForm"),
            file: file
        )
    }
}

/// Reads catalog YAML by hand, so every refusal has the line it is about.
struct NodeReader {
    let file: String

    func fail(_ node: Node?, _ reason: String) -> CatalogError {
        CatalogError(file: self.file, line: node?.mark?.line, reason)
    }

    /// A mapping whose keys are all in `keys`.
    func mapping(_ node: Node, _ what: String, keys: [String]) throws(CatalogError) -> Node.Mapping {
        guard case let .mapping(mapping) = node else {
            throw self.fail(node, "\(what) must be a mapping with \(keys.joined(separator: ", "))")
        }
        for key in mapping.keys {
            let name = key.string ?? "\(key)"
            guard keys.contains(name) else {
                let hint =
                    UnknownKeys.nearest(to: name, in: keys).map { "did you mean \($0)?" }
                    ?? "the keys are \(keys.joined(separator: ", "))"
                throw self.fail(key, "\(name) is not a key of \(what); \(hint)")
            }
        }
        return mapping
    }

    func required(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> Node {
        guard let node = mapping[key] else {
            throw CatalogError(file: self.file, line: mapping.mark?.line, "\(key) is missing; add it")
        }
        return node
    }

    func string(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> String {
        let node = try self.required(mapping, key)
        guard let text = node.string, node.scalar != nil else { throw self.fail(node, "\(key) must be text") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func optionalString(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> String? {
        guard mapping[key] != nil else { return nil }
        return try self.string(mapping, key)
    }

    func int(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> Int? {
        guard let node = mapping[key] else { return nil }
        guard let value = node.int else { throw self.fail(node, "\(key) must be a whole number") }
        return value
    }

    func bool(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> Bool? {
        guard let node = mapping[key] else { return nil }
        guard let value = node.bool else { throw self.fail(node, "\(key) must be true or false") }
        return value
    }

    func strings(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> [String] {
        guard let node = mapping[key] else { return [] }
        if let text = node.scalar?.string { return [text] }
        guard case let .sequence(sequence) = node else { throw self.fail(node, "\(key) must be a list of phrases") }
        var phrases: [String] = []
        for element in sequence {
            guard let text = element.scalar?.string else { throw self.fail(element, "each of \(key) must be a phrase") }
            phrases.append(text)
        }
        return phrases
    }

    /// `templateForm: {base: TEMPLATE, break: [edits]}`, the base relative to the catalog file.
    func templateForm(_ node: Node, folder: URL) throws(CatalogError) -> CatalogEntry.TemplateForm {
        let form = try self.mapping(node, "templateForm", keys: ["base", "break"])
        guard form["break"] != nil else { throw self.fail(node, "templateForm needs break: the edits of the template") }
        return CatalogEntry.TemplateForm(
            base: URL(fileURLWithPath: try self.string(form, "base"), relativeTo: folder).standardizedFileURL.path,
            breaks: try self.edits(form, "break")
        )
    }

    /// The edits under `key`; none when it is absent (a mistake on the client's side leaves the topology as it is).
    func edits(_ mapping: Node.Mapping, _ key: String) throws(CatalogError) -> [TopologyEdit] {
        guard let node = mapping[key] else { return [] }
        guard case let .sequence(sequence) = node, !sequence.isEmpty else {
            throw self.fail(
                node,
                "\(key) must be a list of edits: - set: PATH / value: …, - remove: PATH, - append: PATH / value: …"
            )
        }
        var edits: [TopologyEdit] = []
        for element in sequence {
            let edit = try self.mapping(
                element,
                "an edit",
                keys: TopologyEdit.Operation.allCases.map(\.rawValue) + ["value"]
            )
            let operations = TopologyEdit.Operation.allCases.filter { edit[$0.rawValue] != nil }
            guard operations.count == 1, let operation = operations.first else {
                throw self.fail(element, "an edit has exactly one of set, remove, append")
            }
            let value = try edit["value"].map { (node) throws(CatalogError) -> String in
                // Yams writes a scalar without its tag: a value with `!Ref X` (a template form's) is written by hand.
                if TaggedYAML.hasLocalTag(node) { return TaggedYAML.flowText(node) }
                do { return try Yams.serialize(node: node) } catch {
                    throw self.fail(node, "value cannot be written back as YAML: \(error)")
                }
            }
            guard (operation == .remove) == (value == nil) else {
                throw self.fail(
                    element,
                    operation == .remove ? "remove takes no value" : "\(operation.rawValue) needs a value"
                )
            }
            edits.append(
                TopologyEdit(
                    operation,
                    try self.string(edit, operation.rawValue),
                    value: value,
                    line: element.mark?.line
                )
            )
        }
        return edits
    }

    func probe(_ node: Node) throws(CatalogError) -> Probe {
        let kinds = ["invoke", "call", "connect", "targetHealth", "reach"]
        let probe = try self.mapping(node, "probe", keys: kinds + ["event", "api"])
        let given = kinds.filter { probe[$0] != nil }
        guard given.count == 1, let kind = given.first else {
            throw self.fail(node, "probe has exactly one of \(kinds.joined(separator: ", "))")
        }
        switch kind {
        case "invoke":
            return .invoke(
                function: try self.string(probe, "invoke"),
                event: try self.optionalString(probe, "event") ?? #"{"rawPath": "/scenario"}"#
            )
        case "call": return .call(api: try self.optionalString(probe, "api"), route: try self.string(probe, "call"))
        case "targetHealth": return .targetHealth(proxy: try self.string(probe, "targetHealth"))
        case "reach":
            let reach = try self.mapping(try self.required(probe, "reach"), "reach", keys: ["from", "to", "port"])
            return .reach(
                from: try self.string(reach, "from"),
                to: try self.string(reach, "to"),
                port: try self.int(reach, "port") ?? 3306
            )
        default:
            return .connect(try self.connect(try self.required(probe, "connect")))
        }
    }

    private func connect(_ node: Node) throws(CatalogError) -> ConnectProbe {
        let keys = [
            "target", "user", "iamRole", "password", "tls", "caBundle", "clearText", "tokenHost", "tokenPort",
            "tokenRegion", "tokenAgeSeconds", "from",
            "clients", "inTransaction", "idleSeconds", "sql", "database", "failover", "resolveOnce", "legacyClient",
            "options",
        ]
        let connect = try self.mapping(node, "connect", keys: keys)
        var probe = ConnectProbe(target: try self.string(connect, "target"), user: try self.string(connect, "user"))
        probe.iamRole = try self.optionalString(connect, "iamRole")
        probe.password = try self.optionalString(connect, "password")
        guard (probe.iamRole == nil) != (probe.password == nil) else {
            throw self.fail(node, "connect has exactly one of iamRole (an IAM token) and password")
        }
        probe.tls = try self.bool(connect, "tls") ?? true
        probe.clearText = try self.bool(connect, "clearText") ?? true
        if let bundle = try self.optionalString(connect, "caBundle") {
            guard let value = ConnectProbe.CABundle(rawValue: bundle) else {
                throw self.fail(
                    connect["caBundle"],
                    "caBundle is one of \(ConnectProbe.CABundle.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            probe.caBundle = value
        }
        probe.tokenHost = try self.optionalString(connect, "tokenHost")
        probe.tokenPort = try self.int(connect, "tokenPort")
        probe.tokenRegion = try self.optionalString(connect, "tokenRegion")
        probe.tokenAgeSeconds = try self.int(connect, "tokenAgeSeconds").map(Double.init)
        probe.from = try self.optionalString(connect, "from")
        probe.clients = try self.int(connect, "clients") ?? 1
        guard (1...1_000).contains(probe.clients) else {
            throw self.fail(connect["clients"], "clients is between 1 and 1000")
        }
        probe.inTransaction = try self.bool(connect, "inTransaction") ?? false
        probe.idleSeconds = try self.int(connect, "idleSeconds").map(Double.init)
        probe.sql = try self.optionalString(connect, "sql")
        probe.database = try self.optionalString(connect, "database")
        probe.failover = try self.optionalString(connect, "failover")
        probe.resolveOnce = try self.bool(connect, "resolveOnce") ?? false
        probe.legacyClient = try self.bool(connect, "legacyClient") ?? false
        probe.options = try self.optionalString(connect, "options")
        return probe
    }

    func symptom(_ node: Node) throws(CatalogError) -> Symptom {
        let symptom = try self.mapping(
            node,
            "symptom",
            keys: ["mysqlError", "httpStatus", "targetState", "targetReason", "contains"]
        )
        let result = Symptom(
            mysqlError: try self.int(symptom, "mysqlError").map(UInt32.init),
            httpStatus: try self.int(symptom, "httpStatus"),
            targetState: try self.optionalString(symptom, "targetState"),
            targetReason: try self.optionalString(symptom, "targetReason"),
            contains: try self.strings(symptom, "contains")
        )
        guard result != Symptom() else {
            throw self.fail(node, "symptom names at least one of mysqlError, httpStatus, targetState, contains")
        }
        return result
    }
}
