import CloudSandbox
import Foundation
import Yams

/// The misconfiguration catalog: every `*.yaml` entry of a folder (`Sandbox/misconfigurations`).
public struct Catalog: Sendable {
    public var entries: [CatalogEntry]

    /// Loads every entry of `folder`, sorted by id; the first bad file (or a repeated id) is refused.
    public static func load(folder: String) throws(CatalogError) -> Catalog {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw CatalogError(file: folder, line: nil, "cannot list the folder; check the path")
        }
        var entries: [CatalogEntry] = []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let file = (folder as NSString).appendingPathComponent(name)
            let entry = try CatalogEntry.load(file: file)
            guard name == "\(entry.id).yaml" else {
                throw CatalogError(file: file, line: 1, "the file of entry '\(entry.id)' is named \(entry.id).yaml")
            }
            entries.append(entry)
        }
        return Catalog(entries: entries.sorted { $0.id < $1.id })
    }

    public func entry(_ id: String) -> CatalogEntry? { self.entries.first { $0.id == id } }
}

/// An entry's topologies: the base with the break applied, and that with the fix applied.
public struct ScenarioTopologies: Sendable {
    public var broken: Topology
    public var fixed: Topology
    /// Where the base file's relative paths start.
    public var baseDirectory: URL
}

extension CatalogEntry {
    /// Applies the break and the fix to the base topology and checks that both load and that the probe names
    /// what they have; refusals name the catalog file and line.
    public func topologies() throws(CatalogError) -> ScenarioTopologies {
        guard let text = try? String(contentsOfFile: self.base, encoding: .utf8),
            let base = try? Yams.compose(yaml: text)
        else {
            throw CatalogError(file: self.file, line: nil, "base \(self.base) cannot be read as YAML")
        }
        let broken = try self.apply(self.breaks, to: base, what: "break")
        let fixed = try self.apply(self.fixes, to: broken, what: "fix")
        let brokenTopology = try self.load(broken, what: "break")
        let fixedTopology = try self.load(fixed, what: "fix")
        try self.checkProbeNames(in: brokenTopology)
        return ScenarioTopologies(
            broken: brokenTopology,
            fixed: fixedTopology,
            baseDirectory: URL(fileURLWithPath: self.base).deletingLastPathComponent()
        )
    }

    private func apply(_ edits: [TopologyEdit], to node: Node, what: String) throws(CatalogError) -> Node {
        var node = node
        for edit in edits {
            do throws(TopologyEdit.Failure) {
                node = try edit.applied(to: node)
            } catch {
                throw CatalogError(
                    file: self.file,
                    line: edit.line,
                    "\(what): \(edit.operation.rawValue) \(edit.path): \(error.reason)"
                )
            }
        }
        return node
    }

    private func load(_ node: Node, what: String) throws(CatalogError) -> Topology {
        do {
            return try TopologyLoader.parse(try Yams.serialize(node: node), source: self.base)
        } catch let error as TopologyError {
            throw CatalogError(
                file: self.file,
                line: nil,
                "the topology after the \(what) is refused: \(error.path): \(error.reason)"
            )
        } catch {
            throw CatalogError(file: self.file, line: nil, "the topology after the \(what) cannot be written: \(error)")
        }
    }

    private func checkProbeNames(in topology: Topology) throws(CatalogError) {
        let functions = (topology.functions ?? []).map(\.name)
        let proxies = (topology.proxies ?? []).map(\.name)
        let endpoints = (topology.proxies ?? []).flatMap { ($0.endpoints ?? []).map(\.name) }
        let targets = proxies + endpoints + topology.databases.map(\.id) + (topology.clusters ?? []).map(\.id)
        let hosts = (topology.network?.hosts ?? []).map(\.id) + functions
        let missing: String? =
            switch self.probe {
            case let .invoke(function, _):
                functions.contains(function)
                    ? nil : "function \(function); functions: \(functions.joined(separator: ", "))"
            case let .call(api, _):
                api.map { name in (topology.apis ?? []).contains { $0.name == name } ? nil : "API \(name)" } ?? nil
            case let .targetHealth(proxy):
                proxies.contains(proxy) ? nil : "proxy \(proxy); proxies: \(proxies.joined(separator: ", "))"
            case let .connect(probe):
                !targets.contains(probe.target)
                    ? "target \(probe.target); targets: \(targets.joined(separator: ", "))"
                    : probe.from.flatMap {
                        hosts.contains($0) ? nil : "host \($0); hosts: \(hosts.joined(separator: ", "))"
                    }
            case .reach: nil
            }
        if let missing { throw CatalogError(file: self.file, line: nil, "probe names an unknown \(missing)") }
    }
}
