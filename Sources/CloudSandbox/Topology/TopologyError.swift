/// A topology that cannot run, with where the problem is and what to change.
public struct TopologyError: Error, CustomStringConvertible, Equatable {
    /// Where in the topology, e.g. `databases[0].users[1].plugin`.
    public var path: String
    public var reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "topology \(self.path): \(self.reason)" }
}
