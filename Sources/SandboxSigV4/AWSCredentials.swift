import SandboxRedaction

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

extension AWSCredentials: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "accessKeyID": self.accessKeyID, "secretAccessKey": Redacted(),
            "sessionToken": Redacted(self.sessionToken) as Any,
        ]
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

    /// Appends `description`'s UTF-8 without making the string.
    func write(into out: inout [UInt8]) {
        for part in [self.date, self.region, self.service] {
            out += part.utf8
            out.append(UInt8(ascii: "/"))
        }
        out += "aws4_request".utf8
    }

    /// Parses `AKID/yyyymmdd/region/service/aws4_request` into the key id and the scope.
    public static func parseCredential(_ text: String) -> (accessKeyID: String, scope: CredentialScope)? {
        let utf8 = text.utf8
        var parts: [Substring] = []
        parts.reserveCapacity(5)
        var start = utf8.startIndex
        for index in utf8.indices where utf8[index] == UInt8(ascii: "/") {
            parts.append(text[start..<index])
            start = utf8.index(after: index)
        }
        parts.append(text[start...])
        guard parts.count == 5, parts[4] == "aws4_request", parts[1].utf8.count == 8, !parts[0].isEmpty else {
            return nil
        }
        return (
            String(parts[0]),
            CredentialScope(date: String(parts[1]), region: String(parts[2]), service: String(parts[3]))
        )
    }
}
