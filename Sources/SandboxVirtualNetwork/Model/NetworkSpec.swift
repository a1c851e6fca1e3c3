/// The virtual network of a topology: VPCs with subnets, security groups and network ACLs, extra hosts
/// (clients that tests dial from), and where the operator host (127.0.0.1) sits. Decoded from YAML.
public struct NetworkSpec: Sendable, Codable, Equatable {
    public var vpcs: [VPC]
    /// In-VPC clients (functions, bastions): each gets an ENI that tests bind as their source address.
    public var hosts: [Host]?
    /// Where connections from 127.0.0.1 come from; outside every VPC when absent.
    public var operatorHost: OperatorHost?
    /// What a denied connection sees: `drop` (no answer until the client gives up, as in AWS) or `reset`.
    public var deniedConnections: DeniedConnectionMode?
    /// Where the VPC's resolver asks for names the sandbox does not hold: `"127.a.b.c:port"` (a forwarder on loopback),
    /// or `system` (this machine's first IPv4 nameserver in /etc/resolv.conf, when on loopback). Absent: they are
    /// NXDOMAIN, and no query leaves the sandbox.
    public var dnsForwarder: String?

    public init(
        vpcs: [VPC],
        hosts: [Host]? = nil,
        operatorHost: OperatorHost? = nil,
        deniedConnections: DeniedConnectionMode? = nil,
        dnsForwarder: String? = nil
    ) {
        self.vpcs = vpcs
        self.hosts = hosts
        self.operatorHost = operatorHost
        self.deniedConnections = deniedConnections
        self.dnsForwarder = dnsForwarder
    }

    public enum DeniedConnectionMode: String, Sendable, Codable { case drop, reset }

    public struct VPC: Sendable, Codable, Equatable {
        public var id: String
        public var cidr: String
        public var subnets: [Subnet]
        public var securityGroups: [SecurityGroup]?
        public var networkAcls: [NetworkACL]?
        /// How it reaches AWS's endpoints; not modelled when absent.
        public var routing: Routing?

        public init(
            id: String,
            cidr: String,
            subnets: [Subnet],
            securityGroups: [SecurityGroup]? = nil,
            networkAcls: [NetworkACL]? = nil,
            routing: Routing? = nil
        ) {
            self.routing = routing
            self.id = id
            self.cidr = cidr
            self.subnets = subnets
            self.securityGroups = securityGroups
            self.networkAcls = networkAcls
        }
    }

    public struct Subnet: Sendable, Codable, Equatable {
        public var id: String
        public var cidr: String
        public var az: String?
        public init(id: String, cidr: String, az: String? = nil) {
            self.id = id
            self.cidr = cidr
            self.az = az
        }
    }

    public struct SecurityGroup: Sendable, Codable, Equatable {
        public var id: String
        public var ingress: [Rule]?
        /// When absent, AWS's default: all traffic to anywhere.
        public var egress: [Rule]?
        public init(id: String, ingress: [Rule]? = nil, egress: [Rule]? = nil) {
            self.id = id
            self.ingress = ingress
            self.egress = egress
        }
    }

    /// A security group rule: protocol, ports and the peer (`source` for ingress, `destination` for egress),
    /// each a CIDR, a security group id, or `vpc` (the VPC's CIDR).
    public struct Rule: Sendable, Codable, Equatable {
        public var `protocol`: IPProtocol?
        public var ports: PortText?
        public var source: String?
        public var destination: String?
        public init(
            protocol: IPProtocol? = .tcp,
            ports: PortText? = nil,
            source: String? = nil,
            destination: String? = nil
        ) {
            self.protocol = `protocol`
            self.ports = ports
            self.source = source
            self.destination = destination
        }
    }

    public struct NetworkACL: Sendable, Codable, Equatable {
        public var id: String
        public var subnets: [String]
        public var ingress: [ACLEntry]
        public var egress: [ACLEntry]
        public init(id: String, subnets: [String], ingress: [ACLEntry], egress: [ACLEntry]) {
            self.id = id
            self.subnets = subnets
            self.ingress = ingress
            self.egress = egress
        }
    }

    /// A numbered ACL entry: entries are tried from the lowest number; the first that matches decides.
    public struct ACLEntry: Sendable, Codable, Equatable {
        public enum Action: String, Sendable, Codable { case allow, deny }
        public var rule: Int
        public var `protocol`: IPProtocol?
        public var ports: PortText?
        public var cidr: String
        public var action: Action
        public init(rule: Int, protocol: IPProtocol? = .all, ports: PortText? = nil, cidr: String, action: Action) {
            self.rule = rule
            self.protocol = `protocol`
            self.ports = ports
            self.cidr = cidr
            self.action = action
        }
    }

    public struct Host: Sendable, Codable, Equatable {
        public var id: String
        public var subnet: String
        public var securityGroups: [String]
        public init(id: String, subnet: String, securityGroups: [String]) {
            self.id = id
            self.subnet = subnet
            self.securityGroups = securityGroups
        }
    }

    public struct OperatorHost: Sendable, Codable, Equatable {
        /// In this subnet with these groups; outside every VPC when `subnet` is absent.
        public var subnet: String?
        public var securityGroups: [String]?
        /// The address rules see for an operator outside the VPC (203.0.113.10, a documentation address, by default).
        public var publicAddress: String?
        public init(subnet: String? = nil, securityGroups: [String]? = nil, publicAddress: String? = nil) {
            self.subnet = subnet
            self.securityGroups = securityGroups
            self.publicAddress = publicAddress
        }
    }
}

/// Ports as written: `3306`, `"3306-3310"` or `all`.
public struct PortText: Sendable, Codable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public var text: String
    public init(integerLiteral value: Int) { self.text = String(value) }
    public init(stringLiteral value: String) { self.text = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self.text = String(number)
        } else {
            self.text = try container.decode(String.self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.text)
    }
}
