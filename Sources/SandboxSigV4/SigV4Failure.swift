/// Why a signature was refused, with the error code and message AWS answers.
public struct SigV4Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        case missingAuthentication, incompleteSignature, unknownAccessKey, signatureMismatch
        case expired, dateSkew, wrongRegion, wrongService, malformed, invalidSessionToken
    }

    public var reason: Reason
    /// AWS's error code, e.g. `SignatureDoesNotMatch` (JSON services say `InvalidSignatureException`).
    public var code: String
    public var message: String

    public init(_ reason: Reason, code: String, _ message: String) {
        self.reason = reason
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }

    static func mismatch() -> Self {
        .init(
            .signatureMismatch,
            code: "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
                + "Access Key and signing method. Consult the service documentation for details."
        )
    }
    static func unknownKey() -> Self {
        .init(.unknownAccessKey, code: "InvalidClientTokenId", "The security token included in the request is invalid.")
    }
    static func incomplete(_ what: String) -> Self {
        .init(.incompleteSignature, code: "IncompleteSignature", what)
    }
}
