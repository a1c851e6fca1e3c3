/// A validated network: typed blocks, rules and ACLs, and the ENIs attached so far. A value with no I/O;
/// the reachability analysis and the enforcement on sockets both read it.
public struct NetworkModel: Sendable {
    struct VPC: Sendable {
        var id: String
        var block: IPv4Block
    }
    struct Subnet: Sendable {
        var id: String
        var vpc: String
        var block: IPv4Block
        var az: String
    }

    enum Peer: Sendable, Equatable, CustomStringConvertible {
        case block(IPv4Block)
        case group(String)
        /// The VPC's own CIDR.
        case vpc

        var description: String {
            switch self {
            case let .block(block): block.description
            case let .group(id): id
            case .vpc: "the VPC's CIDR"
            }
        }
    }

    struct Rule: Sendable {
        var proto: IPProtocol
        var ports: PortRange
        var peer: Peer
    }
    struct SecurityGroup: Sendable {
        var id: String
        var vpc: String
        var ingress: [Rule]
        var egress: [Rule]
    }
    struct ACLEntry: Sendable {
        var number: Int
        var proto: IPProtocol
        var ports: PortRange
        var block: IPv4Block
        var allow: Bool
    }
    struct ACL: Sendable {
        var id: String
        var subnets: [String]
        var ingress: [ACLEntry]
        var egress: [ACLEntry]
    }

    var vpcs: [String: VPC] = [:]
    var subnets: [String: Subnet] = [:]
    var groups: [String: SecurityGroup] = [:]
    var acls: [ACL] = []
    /// By VPC; a VPC without is not modelled.
    var routing: [String: Routing] = [:]
    public private(set) var enis: [ENI] = []
    /// Where the operator host sits: an ENI, or outside every VPC with this address.
    public private(set) var operatorENI: ENI?
    public let operatorPublicAddress: IPv4Address
    public let deniedConnections: NetworkSpec.DeniedConnectionMode
    /// Where the VPC's resolver forwards names the sandbox does not hold; nil: NXDOMAIN.
    public let dnsForwarder: DNSForwarder?

    /// The ENI of `owner`.
    public func eni(owner: String) -> ENI? { self.enis.first { $0.owner == owner } }

    /// The ENI whose loopback alias is `address`.
    public func eni(loopback address: String) -> ENI? { self.enis.first { $0.loopback == address } }

    /// Attaches a new ENI to `owner` in `subnet` with `securityGroups` (all of the subnet's VPC), taking the
    /// subnet's next free address (AWS reserves the first four and the last).
    public mutating func attach(
        owner: String,
        subnet: String,
        securityGroups: [String],
        loopback: String?,
        path: String
    ) throws(NetworkSpecError) -> ENI {
        guard let home = self.subnets[subnet] else {
            throw NetworkSpecError(
                path: "\(path).subnet",
                "'\(subnet)' is not a subnet of the network; subnets: "
                    + "\(self.subnets.keys.sorted().joined(separator: ", "))"
            )
        }
        for (index, group) in securityGroups.enumerated() where self.groups[group]?.vpc != home.vpc {
            throw NetworkSpecError(
                path: "\(path).securityGroups[\(index)]",
                "'\(group)' is not a security group of \(home.vpc), the VPC of \(subnet)"
            )
        }
        let taken = Set(
            (self.enis + (self.operatorENI.map { [$0] } ?? [])).filter { $0.subnet == subnet }.map(\.privateIP)
        )
        guard
            let used = (0..<UInt32(max(0, Int64(home.block.size) - 5))).first(where: {
                !taken.contains(home.block.address(4 + $0))
            })
        else {
            throw NetworkSpecError(
                path: "\(path).subnet",
                "\(subnet) (\(home.block)) has no free address left; use a larger subnet"
            )
        }
        let hex = String((UInt64(self.enis.count + 1) &* 0x9E37_79B9_7F4A_7C15) >> 4, radix: 16)
        let eni = ENI(
            id: "eni-0" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex,
            owner: owner,
            vpc: home.vpc,
            subnet: subnet,
            privateIP: home.block.address(4 + used),
            securityGroups: securityGroups,
            loopback: loopback
        )
        if owner == "operator" { self.operatorENI = eni } else { self.enis.append(eni) }
        return eni
    }

    /// Replaces `owner`'s ENI with one in `subnet` with `securityGroups`; on failure the old one stays.
    public mutating func reattach(
        owner: String,
        subnet: String,
        securityGroups: [String],
        loopback: String?,
        path: String
    ) throws(NetworkSpecError) -> ENI {
        let old = self.enis
        self.detach(owner: owner)
        do throws(NetworkSpecError) {
            return try self.attach(
                owner: owner,
                subnet: subnet,
                securityGroups: securityGroups,
                loopback: loopback,
                path: path
            )
        } catch {
            self.enis = old
            throw error
        }
    }

    /// Removes `owner`'s ENI (a function moved to other subnets or out of the VPC).
    public mutating func detach(owner: String) {
        self.enis.removeAll { $0.owner == owner }
    }
}
