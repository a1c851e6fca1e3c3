import Crypto
import Foundation

/// Computes SigV4 signatures: signing key, string to sign, Authorization headers and presigned queries.
public enum SigV4Signer {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// kDate = HMAC("AWS4" + secret, date) → region → service → "aws4_request"; kept per (secret, scope) as the
    /// SDKs keep it, since it changes once a day.
    public static func signingKey(secret: String, scope: CredentialScope) -> SymmetricKey {
        let cacheKey = "\(secret)\u{0}\(scope)"
        if let key = Self.keys.get(cacheKey) { return key }
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        Self.keys.set(cacheKey, key)
        return key
    }

    private static let keys = SigningKeyCache()

    public static func stringToSign(amzDate: String, scope: CredentialScope, canonicalRequest: String) -> String {
        [Self.algorithm, amzDate, scope.description, CanonicalRequest.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
    }

    public static func signature(secret: String, scope: CredentialScope, stringToSign: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: Self.signingKey(secret: secret, scope: scope))
        return CanonicalRequest.hex(code)
    }

    /// Headers botocore never signs (proxies and clients may change them).
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id"]

    /// The Authorization header for `request`, signing every header it carries except `unsignedHeaders`.
    /// The request must carry `x-amz-date` (or `date` is used for the scope and string to sign).
    public static func authorization(for request: SigV4Request, credentials: AWSCredentials, region: String, service: String,
                                     date: Date) -> String {
        let amzDate = request.header("x-amz-date") ?? SigV4Encoding.amzDate(date)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        let names = Set(request.headers.map { $0.name.lowercased() }).subtracting(Self.unsignedHeaders)
        let canonical = CanonicalRequest.string(request, signedHeaders: Array(names), payloadHash: CanonicalRequest.payloadHash(request))
        let signature = Self.signature(secret: credentials.secretAccessKey, scope: scope,
                                       stringToSign: Self.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        return "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(names.sorted().joined(separator: ";")), Signature=\(signature)"
    }

    /// The query string of a presigned GET for `host` (signing only the host header, empty payload), with the
    /// parameters in the order botocore writes them.
    public static func presignedQuery(host: String, path: String = "/", query: [(String, String)], credentials: AWSCredentials,
                                      region: String, service: String, date: Date, expires: Int) -> String {
        let amzDate = SigV4Encoding.amzDate(date)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        var items = query
        items.append(("X-Amz-Algorithm", Self.algorithm))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"))
        items.append(("X-Amz-Date", amzDate))
        items.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        items.append(("X-Amz-SignedHeaders", "host"))
        let raw = items.map { "\(SigV4Encoding.uriEncode($0.0))=\(SigV4Encoding.uriEncode($0.1))" }.joined(separator: "&")
        let request = SigV4Request(method: "GET", path: path, query: raw, headers: [("host", host)])
        let canonical = CanonicalRequest.string(request, signedHeaders: ["host"], payloadHash: Self.emptyPayloadHash)
        let signature = Self.signature(secret: credentials.secretAccessKey, scope: scope,
                                       stringToSign: Self.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        return raw + "&X-Amz-Signature=" + signature
    }

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
