/// One end of a path: an interface in a VPC, or a host outside every VPC (the operator, by default).
public enum NetworkEndpoint: Sendable, Equatable, CustomStringConvertible {
    case eni(ENI)
    case outside(IPv4Address)

    public var address: IPv4Address {
        switch self {
        case let .eni(eni): eni.privateIP
        case let .outside(address): address
        }
    }

    public var description: String {
        switch self {
        case let .eni(eni): eni.description
        case let .outside(address): "the operator host, outside the VPC (as \(address))"
        }
    }
}

/// What the reachability analysis found, modelled on VPC Reachability Analyzer: a path, or the components
/// that block it with an explanation code and words a person can act on.
public struct Reachability: Sendable, Equatable, CustomStringConvertible {
    public struct Explanation: Sendable, Equatable, CustomStringConvertible {
        /// `ENI_SG_RULES_MISMATCH`, `SUBNET_ACL_RESTRICTION` or `NO_PATH`.
        public var code: String
        /// `ingress` / `egress` for security groups, `inbound` / `outbound` for ACLs.
        public var direction: String?
        /// The security groups or ACL involved.
        public var components: [String]
        public var text: String
        public var description: String { "\(self.code): \(self.text)" }
    }

    public var source: NetworkEndpoint
    public var destination: ENI
    public var `protocol`: IPProtocol
    public var port: Int
    /// Empty when a path exists.
    public var explanations: [Explanation]

    public var isReachable: Bool { self.explanations.isEmpty }

    public var description: String {
        let hop = "\(self.source) → \(self.destination.owner) \(self.protocol.rawValue)/\(self.port)"
        return self.isReachable
            ? "path found: \(hop)" : "no path: \(hop)\n" + self.explanations.map { "  \($0)" }.joined(separator: "\n")
    }
}
