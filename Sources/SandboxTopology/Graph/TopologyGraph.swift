import SandboxVirtualNetwork

/// The picture of a topology, as Graphviz DOT: its VPCs and subnets with what sits in them, the APIs' routes, and
/// every path a client takes (a function to its database, a proxy to its instance, hosts and the operator to each
/// instance and proxy, a function to Secrets Manager), green when open and red with the reason when blocked.
public struct TopologyGraph: Sendable {
    /// One path: open, or blocked with the analysis's reasons.
    public struct Path: Sendable, Equatable {
        public var from: String
        public var to: String
        public var label: String
        /// nil: open; else why not (`ENI_SG_RULES_MISMATCH: …`).
        public var blocked: String?

        public init(from: String, to: String, label: String, blocked: String?) {
            self.from = from
            self.to = to
            self.label = label
            self.blocked = blocked
        }
    }

    public let topology: Topology
    public private(set) var paths: [Path]
    private let model: NetworkModel?

    public init(_ topology: Topology) throws(TopologyError) {
        self.topology = topology
        let model = try NetworkPlan.model(for: topology, loopback: { _ in nil })
        self.model = model
        self.paths = Self.paths(topology, model)
    }

    private static func paths(_ topology: Topology, _ model: NetworkModel?) -> [Path] {
        func tcp(_ from: String, _ to: String, port: Int = 3306) -> Path {
            guard let model else { return Path(from: from, to: to, label: "tcp/\(port)", blocked: nil) }
            guard let result = NetworkPlan.analyze(model, from: from, to: to, port: port) else {
                let outside = model.eni(owner: from) == nil && from != "operator"
                return Path(
                    from: from,
                    to: to,
                    label: "tcp/\(port)",
                    blocked: outside ? "NO_PATH: \(from) is outside every VPC; \(to) has only a private address" : nil
                )
            }
            return Path(
                from: from,
                to: to,
                label: "tcp/\(port)",
                blocked: result.isReachable ? nil : result.explanations.map(\.description).joined(separator: "; ")
            )
        }
        var paths: [Path] = []
        for api in topology.apis ?? [] {
            for route in api.routes {
                paths.append(Path(from: "api:\(api.name)", to: route.function, label: route.route, blocked: nil))
            }
        }
        for function in topology.functions ?? [] {
            if let target = function.databaseTarget { paths.append(tcp(function.name, target)) }
            if function.readsSecrets, let model {
                let eni = model.eni(owner: function.name)
                let access = model.access(
                    from: eni,
                    toService: "secretsmanager",
                    name: ServiceAccess.endpointName("secretsmanager", region: topology.region)
                )
                switch access {
                case let .open(how):
                    paths.append(
                        Path(from: function.name, to: "aws:secretsmanager", label: "tcp/443 \(how)", blocked: nil)
                    )
                case let .blocked(why):
                    paths.append(
                        Path(
                            from: function.name,
                            to: "aws:secretsmanager",
                            label: "tcp/443",
                            blocked: why.map(\.description).joined(separator: "; ")
                        )
                    )
                }
            }
        }
        for proxy in topology.proxies ?? [] {
            let writer = topology.clusters?.first { $0.id == proxy.target }?.instances.first?.id ?? proxy.target
            paths.append(tcp(proxy.name, writer))
        }
        let clients =
            (topology.network?.hosts ?? []).map(\.id) + (topology.network?.operatorHost != nil ? ["operator"] : [])
        for client in clients {
            for target in topology.instances.map(\.id) + (topology.proxies ?? []).map(\.name) {
                paths.append(tcp(client, target))
            }
        }
        return paths
    }

    /// Marks the path `from` → `to` failed with `why` (a live attempt failed on it), adding it when the model has no
    /// such path.
    public mutating func markFailed(from: String, to: String, why: String) {
        if let index = self.paths.firstIndex(where: { $0.from == from && $0.to == to }) {
            self.paths[index].blocked = self.paths[index].blocked ?? why
        } else {
            self.paths.append(Path(from: from, to: to, label: "tried", blocked: why))
        }
    }

    /// Graphviz DOT: `dot -Tsvg` draws it.
    public var dot: String {
        var lines = [
            "digraph topology {", "  rankdir=LR; compound=true; fontname=\"Helvetica\";",
            "  node [fontname=\"Helvetica\", fontsize=11]; edge [fontname=\"Helvetica\", fontsize=9];",
        ]
        var placed = Set<String>()
        for vpc in self.topology.network?.vpcs ?? [] {
            lines.append(
                "  subgraph \(Self.id("cluster_\(vpc.id)")) { label=\(Self.quoted("\(vpc.id) \(vpc.cidr)")); "
                    + "style=rounded; color=\"#888888\";"
            )
            for subnet in vpc.subnets {
                let members = ((self.model?.operatorENI.map { [$0] } ?? []) + (self.model?.enis ?? [])).filter {
                    $0.subnet == subnet.id
                }
                lines.append(
                    "    subgraph \(Self.id("cluster_\(subnet.id)")) { "
                        + "label=\(Self.quoted("\(subnet.id) \(subnet.cidr)")); style=dashed;"
                )
                lines.append("      \(Self.id("subnet:\(subnet.id)")) [shape=point, style=invis];")
                for eni in members {
                    let detail = "\(eni.privateIP) \(eni.securityGroups.joined(separator: ","))"
                    lines.append("      \(self.node(eni.owner, detail: detail))")
                    placed.insert(eni.owner)
                }
                lines.append("    }")
            }
            lines.append("  }")
        }
        var outside =
            self.topology.instances.map(\.id) + (self.topology.proxies ?? []).map(\.name)
            + (self.topology.functions ?? []).map(\.name)
        outside += self.paths.flatMap { [$0.from, $0.to] }
        for name in outside where placed.insert(name).inserted { lines.append("  \(self.node(name, detail: nil))") }
        for path in self.paths {
            let style =
                path.blocked.map {
                    "color=\"#c0392b\", fontcolor=\"#c0392b\", style=dashed, "
                        + "label=\(Self.quoted("\(path.label) ✗ \(Self.code(of: $0))")), tooltip=\(Self.quoted($0))"
                }
                ?? (path.from.hasPrefix("api:")
                    ? "color=\"#555555\", label=\(Self.quoted(path.label))"
                    : "color=\"#27ae60\", label=\(Self.quoted(path.label))")
            lines.append("  \(Self.id(path.from)) -> \(Self.id(path.to)) [\(style)];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func node(_ name: String, detail: String?) -> String {
        let shape: String
        let label: String
        if name.hasPrefix("api:") {
            (shape, label) = ("ellipse", "HTTP API \(name.dropFirst(4))")
        } else if name.hasPrefix("aws:") {
            (shape, label) = ("note", "AWS \(name.dropFirst(4))")
        } else if self.topology.instances.contains(where: { $0.id == name }) {
            (shape, label) = ("cylinder", name)
        } else if (self.topology.proxies ?? []).contains(where: { $0.name == name }) {
            (shape, label) = ("box3d", "RDS Proxy \(name)")
        } else if let proxy = (self.topology.proxies ?? []).first(where: {
            ($0.endpoints ?? []).contains { $0.name == name }
        }) {
            (shape, label) = ("box3d", "endpoint \(name) of \(proxy.name)")
        } else if (self.topology.functions ?? []).contains(where: { $0.name == name }) {
            (shape, label) = ("component", "λ \(name)")
        } else if name.hasPrefix("vpce-") {
            (shape, label) = ("hexagon", name)
        } else {
            (shape, label) = ("box", name)
        }
        return "\(Self.id(name)) [shape=\(shape), label=\(Self.quoted(detail.map { "\(label)\\n\($0)" } ?? label))];"
    }

    private static func code(of reason: String) -> String { String(reason.prefix { $0 != ":" }) }

    private static func id(_ name: String) -> String { self.quoted(name) }

    /// A DOT string, quotes escaped (labels keep their `\n` line breaks).
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
