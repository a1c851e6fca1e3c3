/// What is being asked: who, which action on which resource, and the context keys conditions can test.
public struct RequestContext: Sendable, Equatable {
    /// The caller's ARN: a user, a role, or an assumed-role session (`arn:aws:sts::acct:assumed-role/role/session`).
    public var principalARN: String?
    /// A service principal when a service is the caller (e.g. `rds.amazonaws.com` assuming a role).
    public var servicePrincipal: String?
    public var action: String
    public var resource: String
    /// Context keys (case-insensitive names), each possibly multi-valued.
    public var keys: [String: [String]]

    public init(
        principalARN: String? = nil,
        servicePrincipal: String? = nil,
        action: String,
        resource: String,
        keys: [String: [String]] = [:]
    ) {
        self.principalARN = principalARN
        self.servicePrincipal = servicePrincipal
        self.action = action
        self.resource = resource
        self.keys = Dictionary(keys.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $0 + $1 })
        if let principalARN, self.keys["aws:principalarn"] == nil {
            self.keys["aws:principalarn"] = [Self.roleARN(of: principalARN)]
        }
    }

    public func values(of key: String) -> [String]? { self.keys[key.lowercased()] }

    /// The role ARN behind an assumed-role session ARN (what aws:PrincipalArn holds); other ARNs unchanged.
    public static func roleARN(of arn: String) -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[2] == "sts", parts[5].hasPrefix("assumed-role/") else { return arn }
        let role = parts[5].split(separator: "/")[1]
        return "arn:aws:iam::\(parts[4]):role/\(role)"
    }

    /// The account id in an ARN.
    static func account(of arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count >= 5 ? String(parts[4]) : nil
    }
}
