extension NetworkModel {
    /// Who a connection comes from: the ENI owning the loopback address, the operator host for 127.0.0.1
    /// (placed in a subnet or outside), or the outside for any other address.
    public func endpoint(forPeer address: String) -> NetworkEndpoint {
        if let eni = self.eni(loopback: address) { return .eni(eni) }
        if address == "127.0.0.1", let eni = self.operatorENI { return .eni(eni) }
        return .outside(self.operatorPublicAddress)
    }

    /// Whether `source` reaches `destination` on `port`, checking on the way: the VPCs, the source's egress
    /// rules, the ACLs of both subnets (both ways: ACLs are stateless, so the reply to `sourcePort` must pass
    /// too) and the destination's ingress rules. Every blocking component is reported.
    public func analyze(
        from source: NetworkEndpoint,
        to destination: ENI,
        protocol proto: IPProtocol = .tcp,
        port: Int,
        sourcePort: Int = PortRange.ephemeral.lower
    ) -> Reachability {
        var result = Reachability(
            source: source,
            destination: destination,
            protocol: proto,
            port: port,
            explanations: []
        )
        let service = "\(proto.rawValue)/\(port)"
        var sourceSubnet: String?
        if case let .eni(from) = source {
            guard from.vpc == destination.vpc else {
                result.explanations.append(
                    .init(
                        code: "NO_PATH",
                        direction: nil,
                        components: [from.vpc, destination.vpc],
                        text:
                            "\(from.owner) is in \(from.vpc) and \(destination.owner) in \(destination.vpc); the "
                            + "sandbox has no peering or transit between VPCs"
                    )
                )
                return result
            }
            sourceSubnet = from.subnet
            let rules = from.securityGroups.flatMap { self.groups[$0]?.egress ?? [] }.filter {
                $0.proto.covers(proto) && $0.ports.contains(port)
            }
            if !rules.contains(where: { self.matches($0.peer, .eni(destination), vpc: from.vpc) }) {
                result.explanations.append(
                    .init(
                        code: "ENI_SG_RULES_MISMATCH",
                        direction: "egress",
                        components: from.securityGroups,
                        text:
                            "\(Self.list(from.securityGroups)) allow\(from.securityGroups.count == 1 ? "s" : "") "
                            + "\(service) out "
                            + (rules.isEmpty ? "to nowhere" : "only to \(Self.list(rules.map(\.peer.description)))")
                            + "; \(destination.owner) is \(destination.privateIP) in "
                            + "\(Self.list(destination.securityGroups))"
                    )
                )
            }
        }
        if sourceSubnet != destination.subnet {
            let remote = source.address
            if let subnet = sourceSubnet {
                result.explanations += self.acl(
                    subnet,
                    outbound: true,
                    proto,
                    port,
                    remote: destination.privateIP,
                    what: "\(service) to \(destination.owner)"
                )
                result.explanations += self.acl(
                    subnet,
                    outbound: false,
                    proto,
                    sourcePort,
                    remote: destination.privateIP,
                    what: "the reply (\(proto.rawValue)/\(sourcePort)) from \(destination.owner)"
                )
            }
            result.explanations += self.acl(
                destination.subnet,
                outbound: false,
                proto,
                port,
                remote: remote,
                what: "\(service) from \(remote)"
            )
            result.explanations += self.acl(
                destination.subnet,
                outbound: true,
                proto,
                sourcePort,
                remote: remote,
                what: "the reply (\(proto.rawValue)/\(sourcePort)) to \(remote)"
            )
        }
        let rules = destination.securityGroups.flatMap { self.groups[$0]?.ingress ?? [] }.filter {
            $0.proto.covers(proto) && $0.ports.contains(port)
        }
        if !rules.contains(where: { self.matches($0.peer, source, vpc: destination.vpc) }) {
            let who: String
            switch source {
            case let .eni(from):
                who =
                    "\(from.owner) is \(from.privateIP) in "
                    + "\(from.securityGroups.isEmpty ? "no security group" : Self.list(from.securityGroups))"
            case let .outside(address): who = "the operator host is outside the VPC (as \(address))"
            }
            result.explanations.append(
                .init(
                    code: "ENI_SG_RULES_MISMATCH",
                    direction: "ingress",
                    components: destination.securityGroups,
                    text:
                        "\(Self.list(destination.securityGroups)) "
                        + "admit\(destination.securityGroups.count == 1 ? "s" : "") \(service) "
                        + (rules.isEmpty ? "from nowhere" : "only from \(Self.list(rules.map(\.peer.description)))")
                        + "; \(who)"
                )
            )
        }
        return result
    }

    /// Whether a rule's peer covers the other end of the connection.
    private func matches(_ peer: Peer, _ other: NetworkEndpoint, vpc: String) -> Bool {
        switch peer {
        case let .block(block): return block.contains(other.address)
        case .vpc: return self.vpcs[vpc]?.block.contains(other.address) ?? false
        case let .group(id):
            if case let .eni(eni) = other { return eni.securityGroups.contains(id) }
            return false
        }
    }

    /// The subnet's ACL verdict (the first entry by number that matches; none: the implicit deny).
    private func acl(
        _ subnet: String,
        outbound: Bool,
        _ proto: IPProtocol,
        _ port: Int,
        remote: IPv4Address,
        what: String
    ) -> [Reachability.Explanation] {
        // the default ACL admits everything
        guard let acl = self.acls.first(where: { $0.subnets.contains(subnet) }) else { return [] }
        let entries = outbound ? acl.egress : acl.ingress
        let entry = entries.first { $0.proto.covers(proto) && $0.ports.contains(port) && $0.block.contains(remote) }
        if entry?.allow == true { return [] }
        let rule = entry.map { "rule \($0.number) denies it" } ?? "no rule matches, so the final * rule denies it"
        return [
            .init(
                code: "SUBNET_ACL_RESTRICTION",
                direction: outbound ? "outbound" : "inbound",
                components: [acl.id],
                text: "\(acl.id) on \(subnet) blocks \(outbound ? "outbound" : "inbound") \(what): \(rule)"
            )
        ]
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "(none)" : items.joined(separator: ", ") }
}
