import Crypto
import Foundation

/// Computes SigV4 signatures: signing key, string to sign, Authorization headers and presigned queries.
public enum SigV4Signer {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// kDate = HMAC("AWS4" + secret, date) → region → service → "aws4_request".
    public static func signingKey(secret: String, scope: CredentialScope) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// The signing HMAC, keyed and ready, kept per (secret, scope) as the SDKs keep the key, since it changes once a
    /// day: one HMAC of the string to sign instead of five, and no key set-up.
    static func signingHMAC(secret: String, scope: CredentialScope) -> HMAC<SHA256> {
        let id = SigningKeyCache.ID(secret: secret, scope: scope)
        if let mac = Self.keys.get(id) { return mac }
        let mac = HMAC<SHA256>(key: Self.signingKey(secret: secret, scope: scope))
        Self.keys.set(id, mac)
        return mac
    }

    private static let keys = SigningKeyCache()

    public static func stringToSign(amzDate: String, scope: CredentialScope, canonicalRequest: String) -> String {
        String(
            decoding: Self.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: Array(canonicalRequest.utf8)),
            as: UTF8.self
        )
    }

    /// The string to sign as UTF-8: algorithm, date, scope and the hex SHA-256 of the canonical request.
    static func stringToSign(amzDate: String, scope: CredentialScope, canonicalRequest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out += Self.algorithm.utf8
        out.append(UInt8(ascii: "\n"))
        out += amzDate.utf8
        out.append(UInt8(ascii: "\n"))
        scope.write(into: &out)
        out.append(UInt8(ascii: "\n"))
        CanonicalRequest.writeHex(SHA256.hash(data: canonicalRequest), into: &out)
        return out
    }

    public static func signature(secret: String, scope: CredentialScope, stringToSign: String) -> String {
        String(
            decoding: Self.signature(secret: secret, scope: scope, stringToSign: Array(stringToSign.utf8)),
            as: UTF8.self
        )
    }

    /// The signature's lower-case hex digits.
    static func signature(secret: String, scope: CredentialScope, stringToSign: [UInt8]) -> [UInt8] {
        var mac = Self.signingHMAC(secret: secret, scope: scope)
        mac.update(data: stringToSign)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        CanonicalRequest.writeHex(mac.finalize(), into: &out)
        return out
    }

    /// Headers botocore never signs (proxies and clients may change them).
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id"]

    /// The Authorization header for `request`, signing every header it carries except `unsignedHeaders`.
    /// The request must carry `x-amz-date` (or `date` is used for the scope and string to sign).
    public static func authorization(
        for request: SigV4Request,
        credentials: AWSCredentials,
        region: String,
        service: String,
        date: Date
    ) -> String {
        let amzDate = request.header("x-amz-date") ?? SigV4Encoding.amzDate(date)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        let names = Set(request.headers.map { $0.name.lowercased() }).subtracting(Self.unsignedHeaders)
        let canonical = CanonicalRequest.bytes(
            request,
            signedHeaders: Array(names),
            payloadHash: CanonicalRequest.payloadHash(request)
        )
        let signature = String(
            decoding: Self.signature(
                secret: credentials.secretAccessKey,
                scope: scope,
                stringToSign: Self.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
            ),
            as: UTF8.self
        )
        return
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(names.sorted().joined(separator: ";")), Signature=\(signature)"
    }

    /// The query string of a presigned GET for `host` (signing only the host header, empty payload), with the
    /// parameters in the order botocore writes them.
    public static func presignedQuery(
        host: String,
        path: String = "/",
        query: [(String, String)],
        credentials: AWSCredentials,
        region: String,
        service: String,
        date: Date,
        expires: Int
    ) -> String {
        let amzDate = SigV4Encoding.amzDate(date)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        var items = query
        items.append(("X-Amz-Algorithm", Self.algorithm))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"))
        items.append(("X-Amz-Date", amzDate))
        items.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        items.append(("X-Amz-SignedHeaders", "host"))
        let raw = items.map { "\(SigV4Encoding.uriEncode($0.0))=\(SigV4Encoding.uriEncode($0.1))" }.joined(
            separator: "&"
        )
        let request = SigV4Request(method: "GET", path: path, query: raw, headers: [("host", host)])
        let canonical = CanonicalRequest.bytes(request, signedHeaders: ["host"], payloadHash: Self.emptyPayloadHash)
        let signature = Self.signature(
            secret: credentials.secretAccessKey,
            scope: scope,
            stringToSign: Self.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        )
        return raw + "&X-Amz-Signature=" + String(decoding: signature, as: UTF8.self)
    }

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
