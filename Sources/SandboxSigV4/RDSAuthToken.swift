import Foundation
import SandboxRedaction

/// RDS IAM database authentication tokens: a presigned `GET /?Action=connect&DBUser=...` for service
/// `rds-db`, with the scheme stripped (`host:port/?...`; Go SDKs write `host:port?...`). Valid 15 minutes.
public enum RDSAuthToken {
    public static let lifetime = 900

    /// What a valid token says.
    public struct Claims: Sendable, Equatable {
        public var accessKeyID: String
        public var region: String
        public var user: String
        /// `host:port` the token was made for.
        public var endpoint: String
        public var expiresAt: Date
        public var sessionToken: String?

        public init(
            accessKeyID: String,
            region: String,
            user: String,
            endpoint: String,
            expiresAt: Date,
            sessionToken: String?
        ) {
            self.accessKeyID = accessKeyID
            self.region = region
            self.user = user
            self.endpoint = endpoint
            self.expiresAt = expiresAt
            self.sessionToken = sessionToken
        }
    }

    /// The token botocore's `generate_db_auth_token` makes for these inputs.
    public static func generate(
        host: String,
        port: Int,
        region: String,
        user: String,
        credentials: AWSCredentials,
        date: Date = Date(),
        goStyle: Bool = false
    ) -> String {
        let endpoint = "\(host):\(port)"
        let query = SigV4Signer.presignedQuery(
            host: endpoint,
            query: [("Action", "connect"), ("DBUser", user)],
            credentials: credentials,
            region: region,
            service: "rds-db",
            date: date,
            expires: Self.lifetime
        )
        return endpoint + (goStyle ? "?" : "/?") + query
    }

    /// Verifies a token: shape, signature (recomputed with the key's secret), expiry, service, and that
    /// Action is `connect`. The caller checks the endpoint, user and region against what it serves.
    public static func verify(_ token: String, using verifier: SigV4Verifier) throws(SigV4Failure) -> Claims {
        guard let mark = token.utf8.firstIndex(of: UInt8(ascii: "?")) else {
            throw SigV4Failure(
                .malformed,
                code: "InvalidToken",
                "not an RDS auth token: no query string (is the token truncated?)"
            )
        }
        var endpoint = String(token[..<mark])
        if endpoint.hasSuffix("/") { endpoint.removeLast() }
        let query = String(token[token.utf8.index(after: mark)...])
        let parsed = CanonicalQuery(query)
        guard parsed.value("Action") == "connect", let user = parsed.value("DBUser"), !endpoint.isEmpty else {
            throw SigV4Failure(.malformed, code: "InvalidToken", "an RDS auth token needs Action=connect and DBUser")
        }
        let request = SigV4Request(method: "GET", path: "/", query: query, headers: [("host", endpoint)])
        let verified = try verifier.verify(request, query: parsed, service: "rds-db")
        let expires = Int(parsed.value("X-Amz-Expires") ?? "") ?? Self.lifetime
        return Claims(
            accessKeyID: verified.accessKeyID,
            region: verified.scope.region,
            user: user,
            endpoint: endpoint,
            expiresAt: verified.signedAt.addingTimeInterval(TimeInterval(expires)),
            sessionToken: verified.sessionToken
        )
    }
}

extension RDSAuthToken.Claims: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "accessKeyID": self.accessKeyID, "region": self.region, "user": self.user, "endpoint": self.endpoint,
            "expiresAt": self.expiresAt,
            "sessionToken": Redacted(self.sessionToken) as Any,
        ]
    }
}
