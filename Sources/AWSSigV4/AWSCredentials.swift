/// An access key, its secret and (for temporary credentials) the session token.
public struct AWSCredentials: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// `yyyymmdd/region/service/aws4_request`: what a signature is bound to.
public struct CredentialScope: Sendable, Hashable, CustomStringConvertible {
    public var date: String
    public var region: String
    public var service: String

    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    public var description: String { "\(self.date)/\(self.region)/\(self.service)/aws4_request" }

    /// Parses `AKID/yyyymmdd/region/service/aws4_request` into the key id and the scope.
    public static func parseCredential(_ text: String) -> (accessKeyID: String, scope: CredentialScope)? {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { String(Substring($0)) }
        guard parts.count == 5, parts[4] == "aws4_request", parts[1].count == 8, !parts[0].isEmpty else { return nil }
        return (parts[0], CredentialScope(date: parts[1], region: parts[2], service: parts[3]))
    }
}
