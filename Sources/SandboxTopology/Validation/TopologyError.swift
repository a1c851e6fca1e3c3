/// A topology that cannot run, with where the problem is and what to change.
public struct TopologyError: Error, CustomStringConvertible, Equatable {
    /// Where in the topology, e.g. `databases[0].users[1].plugin`.
    public var path: String
    public var reason: String
    /// The line of the YAML file where `path` is (or its nearest written parent), when loaded from a file.
    public var line: Int?
    /// The topology file, when loaded from one.
    public var file: String?

    public init(path: String, _ reason: String, line: Int? = nil, file: String? = nil) {
        self.path = path
        self.reason = reason
        self.line = line
        self.file = file
    }

    public var description: String {
        "topology \(self.path)\(self.file.map { " in \($0)" } ?? "")\(self.line.map { " (line \($0))" } ?? ""): "
            + "\(self.reason)"
    }
}
