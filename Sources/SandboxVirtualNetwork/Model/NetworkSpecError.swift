/// A network that cannot exist, with where in the topology (`network.vpcs[0].subnets[1].cidr`) and what to change.
public struct NetworkSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(self.path): \(self.reason)" }
}
