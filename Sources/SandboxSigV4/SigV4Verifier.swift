import Crypto
import Foundation
import SandboxRedaction

/// Checks SigV4 signatures the way AWS does: finds the key, recomputes the signature over the signed parts
/// of the request, and checks date, expiry, region and service. The clock is injected.
public struct SigV4Verifier: Sendable {
    /// What a verified request proved.
    public struct Verified: Sendable, Equatable {
        public var accessKeyID: String
        public var scope: CredentialScope
        public var sessionToken: String?
        public var signedAt: Date
    }

    /// Finds the credentials of an access key id; `nil` for an unknown (or deleted) key.
    public var lookup: @Sendable (String) -> AWSCredentials?
    public var now: @Sendable () -> Date
    /// How far a header-signed request's date may be from now (AWS: 15 minutes).
    public var allowedSkew: TimeInterval = 15 * 60

    public init(
        lookup: @escaping @Sendable (String) -> AWSCredentials?,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.lookup = lookup
        self.now = now
    }

    /// Verifies a request signed in its Authorization header or presigned in its query.
    public func verify(
        _ request: SigV4Request,
        region: String? = nil,
        service: String? = nil
    ) throws(SigV4Failure) -> Verified {
        if let authorization = request.header("authorization") {
            return try self.verifyHeader(request, authorization: authorization, region: region, service: service)
        }
        return try self.verify(request, query: CanonicalQuery(request.query), region: region, service: service)
    }

    /// A presigned request whose query the caller has already parsed (it is parsed once).
    func verify(
        _ request: SigV4Request,
        query: CanonicalQuery,
        region: String? = nil,
        service: String? = nil
    ) throws(SigV4Failure) -> Verified {
        guard query.contains("X-Amz-Signature") else {
            throw SigV4Failure(
                .missingAuthentication,
                code: "MissingAuthenticationToken",
                "Request is missing Authentication Token"
            )
        }
        return try self.verifyPresigned(request, query: query, region: region, service: service)
    }

    private func verifyHeader(
        _ request: SigV4Request,
        authorization: String,
        region: String?,
        service: String?
    ) throws(SigV4Failure) -> Verified {
        guard authorization.hasPrefix(SigV4Signer.algorithm + " ") else {
            throw .incomplete("Authorization header requires the \(SigV4Signer.algorithm) algorithm.")
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(SigV4Signer.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            let missing = ["Credential", "SignedHeaders", "Signature"].filter { fields[$0] == nil }.joined(
                separator: ", "
            )
            throw .incomplete(
                "Authorization header requires \(missing) parameter(s). Authorization=\(SigV4Signer.algorithm) ..."
            )
        }
        guard let amzDate = request.header("x-amz-date"), let date = SigV4Encoding.parseAmzDate(amzDate) else {
            throw .incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        if abs(date.timeIntervalSince(self.now())) > self.allowedSkew {
            throw SigV4Failure(
                .dateSkew,
                code: "SignatureDoesNotMatch",
                "Signature expired: \(amzDate) is now earlier or later than \(SigV4Encoding.amzDate(self.now())) "
                    + "by more than 15 minutes; fix the client's clock"
            )
        }
        let names = signedHeaders.split(separator: ";").map { String($0).lowercased() }
        guard names.contains("host") else {
            throw .incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        return try self.check(
            request,
            credential: credential,
            amzDate: amzDate,
            date: date,
            signedHeaders: names,
            signature: signature.utf8,
            payloadHash: CanonicalRequest.payloadHash(request),
            sessionToken: request.header("x-amz-security-token"),
            region: region,
            service: service
        )
    }

    private func verifyPresigned(
        _ request: SigV4Request,
        query: CanonicalQuery,
        region: String?,
        service: String?
    ) throws(SigV4Failure) -> Verified {
        guard query.value("X-Amz-Algorithm") == SigV4Signer.algorithm, let credential = query.value("X-Amz-Credential"),
            let amzDate = query.value("X-Amz-Date"), let expiresText = query.value("X-Amz-Expires"),
            let signedHeaders = query.value("X-Amz-SignedHeaders"),
            let signature = query.encodedValue("X-Amz-Signature")
        else {
            throw .incomplete(
                "A presigned request needs X-Amz-Algorithm=\(SigV4Signer.algorithm), X-Amz-Credential, X-Amz-Date, "
                    + "X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature."
            )
        }
        guard let date = SigV4Encoding.parseAmzDate(amzDate), let expires = Int(expiresText),
            (1...604_800).contains(expires)
        else {
            throw SigV4Failure(
                .malformed,
                code: "AuthorizationQueryParametersError",
                "X-Amz-Date must be yyyyMMddTHHmmssZ and X-Amz-Expires 1 to 604800 seconds."
            )
        }
        let now = self.now()
        if now > date.addingTimeInterval(TimeInterval(expires)) {
            throw SigV4Failure(
                .expired,
                code: "AccessDenied",
                "Request has expired: signed \(amzDate), valid for \(expires) s; make a new one"
            )
        }
        if date.timeIntervalSince(now) > self.allowedSkew {
            throw SigV4Failure(
                .dateSkew,
                code: "AccessDenied",
                "Request is not yet valid: signed for \(amzDate); fix the client's clock"
            )
        }
        return try self.check(
            request,
            credential: credential,
            amzDate: amzDate,
            date: date,
            signedHeaders: signedHeaders.split(separator: ";").map { String($0).lowercased() },
            signature: signature,
            payloadHash: SigV4Signer.emptyPayloadHash,
            query: query,
            excludingQuery: "X-Amz-Signature",
            sessionToken: query.value("X-Amz-Security-Token"),
            region: region,
            service: service
        )
    }

    private func check(
        _ request: SigV4Request,
        credential: String,
        amzDate: String,
        date: Date,
        signedHeaders: [String],
        signature: some Collection<UInt8>,
        payloadHash: String,
        query: CanonicalQuery? = nil,
        excludingQuery: String? = nil,
        sessionToken: String?,
        region: String?,
        service: String?
    ) throws(SigV4Failure) -> Verified {
        guard let (accessKeyID, scope) = CredentialScope.parseCredential(credential) else {
            throw .incomplete(
                "Credential should be scoped to a valid region, service and date: "
                    + "AKID/yyyymmdd/region/service/aws4_request"
            )
        }
        if let region, scope.region != region {
            throw SigV4Failure(
                .wrongRegion,
                code: "SignatureDoesNotMatch",
                "Credential should be scoped to a valid region, not '\(scope.region)'. Use '\(region)'."
            )
        }
        if let service, scope.service != service {
            throw SigV4Failure(
                .wrongService,
                code: "SignatureDoesNotMatch",
                "Credential should be scoped to correct service: '\(service)', not '\(scope.service)'."
            )
        }
        guard scope.date == String(amzDate.prefix(8)) else {
            throw SigV4Failure(
                .malformed,
                code: "SignatureDoesNotMatch",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'\(scope.date)' != '\(amzDate.prefix(8))'"
            )
        }
        guard let credentials = self.lookup(accessKeyID) else { throw .unknownKey() }
        if credentials.sessionToken != nil, credentials.sessionToken != sessionToken {
            throw SigV4Failure(
                .invalidSessionToken,
                code: "InvalidClientTokenId",
                "The security token included in the request is invalid."
            )
        }
        let canonical = CanonicalRequest.bytes(
            request,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            query: query,
            excludingQuery: excludingQuery
        )
        let expected = SigV4Signer.signature(
            secret: credentials.secretAccessKey,
            scope: scope,
            stringToSign: SigV4Signer.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        )
        guard Self.constantTimeEqual(expected, signature) else { throw .mismatch() }
        return Verified(accessKeyID: accessKeyID, scope: scope, sessionToken: sessionToken, signedAt: date)
    }

    /// Compares the expected lower-case hex signature with the one sent (hex digits in either case), in time
    /// that does not depend on where they differ.
    static func constantTimeEqual(_ expected: [UInt8], _ sent: some Collection<UInt8>) -> Bool {
        guard sent.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (byte, other) in zip(expected, sent) {
            let lowered = other >= UInt8(ascii: "A") && other <= UInt8(ascii: "F") ? other + 32 : other
            difference |= byte ^ lowered
        }
        return difference == 0
    }
}

extension SigV4Verifier.Verified: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "accessKeyID": self.accessKeyID, "scope": self.scope, "sessionToken": Redacted(self.sessionToken) as Any,
            "signedAt": self.signedAt,
        ]
    }
}
