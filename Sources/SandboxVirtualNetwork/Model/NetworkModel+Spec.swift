extension NetworkModel {
    /// Validates `spec` (CIDRs, containment, overlaps, references, ports, rule numbers) and builds the model,
    /// with the operator host attached when it sits in a subnet. Errors name the path under `network`.
    public init(_ spec: NetworkSpec, path: String = "network") throws(NetworkSpecError) {
        guard let address = IPv4Address(spec.operatorHost?.publicAddress ?? "203.0.113.10") else {
            throw NetworkSpecError(
                path: "\(path).operatorHost.publicAddress",
                "'\(spec.operatorHost?.publicAddress ?? "")' is not an IPv4 address"
            )
        }
        self.operatorPublicAddress = address
        self.deniedConnections = spec.deniedConnections ?? .drop
        self.dnsForwarder = try spec.dnsForwarder.map { text throws(NetworkSpecError) in
            try DNSForwarder(text, path: "\(path).dnsForwarder")
        }
        for (v, vpc) in spec.vpcs.enumerated() {
            let at = "\(path).vpcs[\(v)]"
            try Self.unique(vpc.id, prefix: "vpc-", among: self.vpcs.keys, path: "\(at).id")
            let block = try Self.block(vpc.cidr, path: "\(at).cidr", prefixes: 16...28)
            self.vpcs[vpc.id] = VPC(id: vpc.id, block: block)
            for (s, subnet) in vpc.subnets.enumerated() {
                let sat = "\(at).subnets[\(s)]"
                try Self.unique(subnet.id, prefix: "subnet-", among: self.subnets.keys, path: "\(sat).id")
                let sub = try Self.block(subnet.cidr, path: "\(sat).cidr", prefixes: 16...28)
                guard block.contains(sub) else {
                    throw NetworkSpecError(
                        path: "\(sat).cidr",
                        "\(sub) is outside its VPC's \(block); pick a block inside it"
                    )
                }
                if let other = self.subnets.values.first(where: { $0.vpc == vpc.id && $0.block.overlaps(sub) }) {
                    throw NetworkSpecError(
                        path: "\(sat).cidr",
                        "\(sub) overlaps \(other.id) (\(other.block)); subnets of a VPC must not overlap"
                    )
                }
                self.subnets[subnet.id] = Subnet(
                    id: subnet.id,
                    vpc: vpc.id,
                    block: sub,
                    az: subnet.az ?? "az\(s % 3 + 1)"
                )
            }
            for (g, group) in (vpc.securityGroups ?? []).enumerated() {
                try Self.unique(group.id, prefix: "sg-", among: self.groups.keys, path: "\(at).securityGroups[\(g)].id")
                self.groups[group.id] = SecurityGroup(id: group.id, vpc: vpc.id, ingress: [], egress: [])
            }
            for (g, group) in (vpc.securityGroups ?? []).enumerated() {
                let gat = "\(at).securityGroups[\(g)]"
                let ingress = try (group.ingress ?? []).enumerated().map { r, rule throws(NetworkSpecError) in
                    try self.rule(rule, peer: rule.source, peerKey: "source", vpc: vpc.id, path: "\(gat).ingress[\(r)]")
                }
                let egress =
                    try group.egress.map { rules throws(NetworkSpecError) in
                        try rules.enumerated().map { r, rule throws(NetworkSpecError) in
                            try self.rule(
                                rule,
                                peer: rule.destination,
                                peerKey: "destination",
                                vpc: vpc.id,
                                path: "\(gat).egress[\(r)]"
                            )
                        }
                    } ?? [Rule(proto: .all, ports: .all, peer: .block(.everywhere))]
                self.groups[group.id]?.ingress = ingress
                self.groups[group.id]?.egress = egress
            }
            for (a, acl) in (vpc.networkAcls ?? []).enumerated() {
                self.acls.append(try self.acl(acl, vpc: vpc.id, path: "\(at).networkAcls[\(a)]"))
            }
            if let routing = vpc.routing { try self.addRouting(routing, vpc: vpc.id, path: "\(at).routing") }
        }
        if let placement = spec.operatorHost {
            if let subnet = placement.subnet {
                _ = try self.attach(
                    owner: "operator",
                    subnet: subnet,
                    securityGroups: placement.securityGroups ?? [],
                    loopback: "127.0.0.1",
                    path: "\(path).operatorHost"
                )
            } else if !(placement.securityGroups ?? []).isEmpty {
                throw NetworkSpecError(
                    path: "\(path).operatorHost.securityGroups",
                    "security groups need a subnet; add operatorHost.subnet"
                )
            }
        }
    }

    private func rule(
        _ rule: NetworkSpec.Rule,
        peer: String?,
        peerKey: String,
        vpc: String,
        path: String
    ) throws(NetworkSpecError) -> Rule {
        let proto = rule.protocol ?? .tcp
        let ports = try Self.ports(rule.ports, proto: proto, path: "\(path).ports")
        guard let peer else {
            throw NetworkSpecError(path: "\(path).\(peerKey)", "is missing; give a CIDR, a security group id or vpc")
        }
        if peer == "vpc" { return Rule(proto: proto, ports: ports, peer: .vpc) }
        if peer.hasPrefix("sg-") {
            guard self.groups[peer]?.vpc == vpc else {
                throw NetworkSpecError(
                    path: "\(path).\(peerKey)",
                    "'\(peer)' is not a security group of \(vpc); declare it there or use a CIDR"
                )
            }
            return Rule(proto: proto, ports: ports, peer: .group(peer))
        }
        return Rule(
            proto: proto,
            ports: ports,
            peer: .block(try Self.block(peer, path: "\(path).\(peerKey)", prefixes: 0...32))
        )
    }

    private func acl(_ acl: NetworkSpec.NetworkACL, vpc: String, path: String) throws(NetworkSpecError) -> ACL {
        for (index, subnet) in acl.subnets.enumerated() {
            guard self.subnets[subnet]?.vpc == vpc else {
                throw NetworkSpecError(path: "\(path).subnets[\(index)]", "'\(subnet)' is not a subnet of \(vpc)")
            }
            if let other = self.acls.first(where: { $0.subnets.contains(subnet) }) {
                throw NetworkSpecError(
                    path: "\(path).subnets[\(index)]",
                    "\(subnet) is already associated with \(other.id); a subnet has one network ACL"
                )
            }
        }
        func entries(_ list: [NetworkSpec.ACLEntry], _ direction: String) throws(NetworkSpecError) -> [ACLEntry] {
            var numbers: Set<Int> = []
            return try list.enumerated().map { index, entry throws(NetworkSpecError) in
                let at = "\(path).\(direction)[\(index)]"
                guard (1...32_766).contains(entry.rule), numbers.insert(entry.rule).inserted else {
                    throw NetworkSpecError(
                        path: "\(at).rule",
                        "\(entry.rule) is repeated or outside 1...32766; give each entry its own number"
                    )
                }
                let proto = entry.protocol ?? .all
                return ACLEntry(
                    number: entry.rule,
                    proto: proto,
                    ports: try Self.ports(entry.ports, proto: proto, path: "\(at).ports"),
                    block: try Self.block(entry.cidr, path: "\(at).cidr", prefixes: 0...32),
                    allow: entry.action == .allow
                )
            }.sorted { $0.number < $1.number }
        }
        return ACL(
            id: acl.id,
            subnets: acl.subnets,
            ingress: try entries(acl.ingress, "ingress"),
            egress: try entries(acl.egress, "egress")
        )
    }

    private static func ports(_ text: PortText?, proto: IPProtocol, path: String) throws(NetworkSpecError) -> PortRange
    {
        guard proto == .tcp || proto == .udp else { return .all }
        guard let text else {
            throw NetworkSpecError(path: path, "is missing; give a port (3306), a range (\"3306-3310\") or all")
        }
        guard let range = PortRange(text.text) else {
            throw NetworkSpecError(
                path: path,
                "'\(text.text)' is not a port or range: use 0-65535, lower bound first (\"3306-3310\")"
            )
        }
        return range
    }

    private static func block(
        _ text: String,
        path: String,
        prefixes: ClosedRange<Int>
    ) throws(NetworkSpecError) -> IPv4Block {
        guard let block = IPv4Block(text), prefixes.contains(block.prefix) else {
            throw NetworkSpecError(
                path: path,
                "'\(text)' is not a CIDR block with a /\(prefixes.lowerBound)-/\(prefixes.upperBound) prefix whose "
                    + "address is the network's (e.g. 10.0.1.0/24)"
            )
        }
        return block
    }

    private static func unique(
        _ id: String,
        prefix: String,
        among existing: Dictionary<String, some Any>.Keys,
        path: String
    ) throws(NetworkSpecError) {
        guard id.hasPrefix(prefix), id.count > prefix.count else {
            throw NetworkSpecError(path: path, "'\(id)' should start with \(prefix)")
        }
        guard !existing.contains(id) else { throw NetworkSpecError(path: path, "'\(id)' is used twice") }
    }
}
