import Foundation
import SandboxIAMPolicy
import SandboxSigV4

/// The authenticated principal of a request.
public struct Caller: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case root, user, assumedRole }

    public var kind: Kind
    public var arn: String
    /// GetCallerIdentity's UserId (`AIDA…`, `AROA…:session`, or the account id for root).
    public var userID: String
    public var accessKeyID: String
    public var account: String
    /// The identity policies that apply (root holds one allowing everything).
    var policies: [NamedPolicy]
}
