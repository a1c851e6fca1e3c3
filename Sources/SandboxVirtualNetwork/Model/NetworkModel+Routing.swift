extension NetworkModel {
    /// A VPC's validated routing.
    struct Routing: Sendable {
        struct Table: Sendable {
            var id: String
            var main: Bool
            var subnets: [String]
            var routes: [(block: IPv4Block, target: String)]
        }
        struct Endpoint: Sendable {
            var id: String
            var service: String
            var privateDNS: Bool
        }
        var internetGateway: String?
        /// NAT gateway id → its subnet.
        var natGateways: [String: String]
        var tables: [Table]
        var endpoints: [Endpoint]

        /// The table of `subnet`: its own, else the main one.
        func table(of subnet: String) -> Table? {
            self.tables.first { $0.subnets.contains(subnet) } ?? self.tables.first(where: \.main)
        }
    }

    /// Validates a VPC's routing and attaches its endpoints' ENIs (after the groups exist).
    mutating func addRouting(_ spec: NetworkSpec.Routing, vpc: String, path: String) throws(NetworkSpecError) {
        let subnets = Set(self.subnets.values.filter { $0.vpc == vpc }.map(\.id))
        func subnet(_ id: String, _ at: String) throws(NetworkSpecError) {
            guard subnets.contains(id) else {
                throw NetworkSpecError(
                    path: at,
                    "'\(id)' is not a subnet of \(vpc); subnets: \(subnets.sorted().joined(separator: ", "))"
                )
            }
        }
        if let igw = spec.internetGateway, !igw.hasPrefix("igw-") {
            throw NetworkSpecError(path: "\(path).internetGateway", "'\(igw)' should start with igw-")
        }
        var nats: [String: String] = [:]
        for (n, nat) in (spec.natGateways ?? []).enumerated() {
            guard nat.id.hasPrefix("nat-"), nats[nat.id] == nil else {
                throw NetworkSpecError(
                    path: "\(path).natGateways[\(n)].id",
                    "'\(nat.id)' should start with nat- and be used once"
                )
            }
            try subnet(nat.subnet, "\(path).natGateways[\(n)].subnet")
            nats[nat.id] = nat.subnet
        }
        var tables: [Routing.Table] = []
        for (t, table) in (spec.routeTables ?? []).enumerated() {
            let at = "\(path).routeTables[\(t)]"
            guard table.id.hasPrefix("rtb-") else {
                throw NetworkSpecError(path: "\(at).id", "'\(table.id)' should start with rtb-")
            }
            if table.main == true, tables.contains(where: \.main) {
                throw NetworkSpecError(path: "\(at).main", "a VPC has one main route table")
            }
            for (s, id) in (table.subnets ?? []).enumerated() {
                try subnet(id, "\(at).subnets[\(s)]")
                if let other = tables.first(where: { $0.subnets.contains(id) }) {
                    throw NetworkSpecError(
                        path: "\(at).subnets[\(s)]",
                        "\(id) is already associated with \(other.id); a subnet has one route table"
                    )
                }
            }
            let routes = try (table.routes ?? []).enumerated().map {
                r,
                route throws(NetworkSpecError) -> (block: IPv4Block, target: String) in
                guard let block = IPv4Block(route.destination) else {
                    throw NetworkSpecError(
                        path: "\(at).routes[\(r)].destination",
                        "'\(route.destination)' is not a CIDR block (0.0.0.0/0 for everything)"
                    )
                }
                guard route.target == spec.internetGateway || nats[route.target] != nil else {
                    throw NetworkSpecError(
                        path: "\(at).routes[\(r)].target",
                        "'\(route.target)' is not this VPC's internet gateway or one of its NAT gateways"
                    )
                }
                return (block, route.target)
            }
            tables.append(.init(id: table.id, main: table.main == true, subnets: table.subnets ?? [], routes: routes))
        }
        var endpoints: [Routing.Endpoint] = []
        for (e, endpoint) in (spec.endpoints ?? []).enumerated() {
            let at = "\(path).endpoints[\(e)]"
            guard endpoint.id.hasPrefix("vpce-"), self.eni(owner: endpoint.id) == nil else {
                throw NetworkSpecError(path: "\(at).id", "'\(endpoint.id)' should start with vpce- and be used once")
            }
            try subnet(endpoint.subnet, "\(at).subnet")
            _ = try self.attach(
                owner: endpoint.id,
                subnet: endpoint.subnet,
                securityGroups: endpoint.securityGroups,
                loopback: nil,
                path: at
            )
            endpoints.append(.init(id: endpoint.id, service: endpoint.service, privateDNS: endpoint.privateDns ?? true))
        }
        self.routing[vpc] = Routing(
            internetGateway: spec.internetGateway,
            natGateways: nats,
            tables: tables,
            endpoints: endpoints
        )
    }

    /// Whether `source` (nil: outside every VPC) reaches AWS's `service` endpoint (`secretsmanager`) on 443: through
    /// an interface endpoint with private DNS (its security groups decide), else through its subnet's default route
    /// to a NAT gateway whose subnet routes to the internet gateway. `name` is the service's public DNS name.
    public func access(from source: ENI?, toService service: String, name: String) -> ServiceAccess {
        guard let source else { return .open("outside every VPC, over the internet") }
        guard let routing = self.routing[source.vpc] else {
            return .open("\(source.vpc)'s routing is not modelled (declare network.vpcs[].routing)")
        }
        if let endpoint = routing.endpoints.first(where: { $0.service == service && $0.privateDNS }),
            let eni = self.eni(owner: endpoint.id)
        {
            let path = self.analyze(from: .eni(source), to: eni, port: 443)
            guard path.isReachable else {
                return .blocked(
                    path.explanations + [
                        .init(
                            code: "VPC_ENDPOINT",
                            direction: nil,
                            components: [endpoint.id],
                            text:
                                "private DNS resolves \(name) to \(endpoint.id) (\(eni.privateIP)); the connection "
                                + "waits until the client times out"
                        )
                    ]
                )
            }
            return .open("through \(endpoint.id) (private DNS)")
        }
        let none = "\(source.vpc) has no \(service) interface endpoint with private DNS"
        guard let table = routing.table(of: source.subnet) else {
            return .blocked([
                .init(
                    code: "NO_ROUTE",
                    direction: nil,
                    components: [source.subnet],
                    text: "\(source.subnet) has no route table with a route to 0.0.0.0/0 and \(none)"
                )
            ])
        }
        guard let route = table.routes.filter({ $0.block.prefix == 0 }).first else {
            return .blocked([
                .init(
                    code: "NO_ROUTE",
                    direction: nil,
                    components: [table.id],
                    text: "\(table.id) (\(source.subnet)) has no route to 0.0.0.0/0 (a NAT gateway) and \(none)"
                )
            ])
        }
        guard let natSubnet = routing.natGateways[route.target] else {
            return .blocked([
                .init(
                    code: "NO_PUBLIC_IP",
                    direction: nil,
                    components: [table.id, route.target],
                    text:
                        "\(table.id) sends 0.0.0.0/0 to \(route.target), but \(source.owner)'s interface has no "
                        + "public IP address (a Lambda function's never has); route through a NAT gateway in a "
                        + "public subnet"
                )
            ])
        }
        guard let natTable = routing.table(of: natSubnet),
            let out = natTable.routes.first(where: { $0.block.prefix == 0 }), out.target == routing.internetGateway
        else {
            return .blocked([
                .init(
                    code: "NO_ROUTE",
                    direction: nil,
                    components: [route.target, natSubnet],
                    text:
                        "\(route.target) is in \(natSubnet), whose route table has no route to 0.0.0.0/0 through "
                        + "the internet gateway"
                )
            ])
        }
        return .open("through \(route.target) and \(out.target)")
    }
}

/// Whether a client reaches an AWS service's endpoint, and why not.
public enum ServiceAccess: Sendable, Equatable, CustomStringConvertible {
    case open(String)
    case blocked([Reachability.Explanation])

    public var isOpen: Bool { if case .open = self { true } else { false } }

    /// The public DNS name of AWS's `service` endpoint in `region`: `secretsmanager.us-east-1.amazonaws.com`.
    public static func endpointName(_ service: String, region: String) -> String {
        "\(service).\(region).amazonaws.com"
    }

    public var description: String {
        switch self {
        case let .open(how): "reachable \(how)"
        case let .blocked(why): "blocked: " + why.map(\.description).joined(separator: "; ")
        }
    }
}
