/// An elastic network interface: an address in a subnet, its security groups, and the loopback alias that
/// carries its traffic on this machine.
public struct ENI: Sendable, Equatable, CustomStringConvertible {
    public var id: String
    /// What the interface belongs to: a database id, a host id, a proxy name, `operator`.
    public var owner: String
    public var vpc: String
    public var subnet: String
    public var privateIP: IPv4Address
    public var securityGroups: [String]
    /// The 127.x.y.z address its listeners bind and its clients dial from (nil in a static analysis).
    public var loopback: String?

    public var description: String {
        "\(self.owner) (\(self.privateIP) in \(self.subnet), \(self.securityGroups.joined(separator: ", ")))"
    }
}
