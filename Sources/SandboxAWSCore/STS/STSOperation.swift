/// STS's actions (query protocol, `Action=`) that the sandbox serves; any other is InvalidAction.
enum STSOperation: String, Sendable, CaseIterable {
    case assumeRole = "AssumeRole"
    case getCallerIdentity = "GetCallerIdentity"

    /// The IAM action it is authorized as.
    var action: String { "sts:\(self.rawValue)" }
}
