/// A template or Terraform file that cannot be imported: which file, where in it, and what to change.
public struct ImportError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// `Resources.Proxy.Properties.Auth[0].SecretArn`, `values.root_module.resources[3]`.
    public var path: String
    public var reason: String
    public var line: Int?

    public init(file: String, path: String, _ reason: String, line: Int? = nil) {
        self.file = file
        self.path = path
        self.reason = reason
        self.line = line
    }

    public var description: String { "\(self.file)\(self.line.map { ":\($0)" } ?? ""): \(self.path): \(self.reason)" }
}

/// What an import could not carry over into the topology (a resource type or property the sandbox does not
/// model), named by the resource it belongs to; never dropped silently.
public struct ImportWarning: Sendable, Equatable, CustomStringConvertible {
    /// The logical id (CloudFormation, with the nested stack's path) or address (Terraform).
    public var resource: String
    public var type: String
    public var message: String
    /// The resource refers to something the stacks (or state) do not define, so a path a client takes is missing
    /// (a route to a function that is not there); `sandbox diagnose` reports it as a finding.
    public var breaksAPath: Bool

    public init(resource: String, type: String, _ message: String, breaksAPath: Bool = false) {
        self.resource = resource
        self.type = type
        self.message = message
        self.breaksAPath = breaksAPath
    }

    public var description: String { "\(self.resource) (\(self.type)): \(self.message)" }
}
