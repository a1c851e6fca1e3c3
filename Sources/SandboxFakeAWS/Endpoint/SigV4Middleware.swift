import Foundation
import Hummingbird
import Logging
import NIOCore
import SandboxAWSCore
import SandboxHTTP
import SandboxSigV4

/// SigV4 verification and caller resolution for every AWS request, as Hummingbird middleware: the body is
/// collected within its protocol's limit, the signature recomputed and checked, the region checked, the caller's
/// principal resolved with the request's condition keys; the handler finds the result in `context.aws`. A
/// refusal is answered here, in the protocol's form. Installed on AWS's routes only: the sandbox's own are unsigned.
struct SigV4Middleware: RouterMiddleware {
    typealias Context = AWSRequestContext

    let account: AccountState
    let clock: @Sendable () -> Date
    let responses: AWSResponses
    /// REST-protocol services by signing name (their requests are REST unless they carry X-Amz-Target or hit `/`).
    let restServices: Set<String>
    /// Lambda's Invoke takes 6 MB payloads (REST services); the query and JSON services 2 MiB.
    static let maxBody = 7 * 1024 * 1024
    static let maxServiceBody = 2 * 1024 * 1024

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let requestID = IDs.requestID()
        var request = request
        let isJSON = request.headers[.init("X-Amz-Target")!] != nil
        let body: ByteBuffer
        do {
            body = try await request.collectBody(within: Self.maxBody)
        } catch {
            return self.responses.error(
                AWSError.bodyTooLarge(limit: Self.maxBody),
                form: isJSON ? .json : .query(service: nil),
                requestID: requestID
            ).closingConnection(context.channel)
        }
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
        var awsRequest = AWSRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query ?? "",
            headers: headers,
            body: Array(body.readableBytesView)
        )
        awsRequest.sourceIP = context.remoteAddress?.ipAddress
        let isREST =
            awsRequest.scopeService.map { self.restServices.contains($0) } == true && !isJSON && awsRequest.path != "/"
        let form: AWSResponses.Form = isREST ? .rest : isJSON ? .json : .query(service: awsRequest.scopeService)
        guard isREST || awsRequest.body.count <= Self.maxServiceBody else {
            return self.responses.error(
                AWSError.bodyTooLarge(limit: Self.maxServiceBody),
                form: form,
                requestID: requestID
            )
        }
        do {
            var context = context
            context.aws = AWSRequestContext.Verified(
                request: awsRequest,
                call: try self.authenticate(awsRequest, json: isREST || isJSON, requestID: requestID),
                form: form
            )
            return try await next(request, context)
        } catch let error as AWSError {
            self.responses.audit(awsRequest, requestID: requestID, refusal: error)
            return self.responses.error(error, form: form, requestID: requestID)
        }
    }

    /// SigV4 verification, the region check and the caller's principal, with the request's condition keys.
    private func authenticate(_ request: AWSRequest, json isJSON: Bool, requestID: String) throws(AWSError) -> AWSCall {
        let now = self.clock()
        let account = self.account
        let verifier = SigV4Verifier(lookup: { account.credentials(for: $0, now: now) }, now: { now })
        let verified: SigV4Verifier.Verified
        do {
            verified = try verifier.verify(request.sigV4)
        } catch {
            throw Self.translate(error, json: isJSON)
        }
        if verified.scope.service != "iam", verified.scope.region != account.region {
            throw AWSError(
                isJSON ? .invalidSignatureException : .signatureDoesNotMatch,
                "Credential should be scoped to a valid region. This sandbox serves \(account.region), not "
                    + "'\(verified.scope.region)'.",
                status: 400
            )
        }
        let caller = try account.caller(accessKeyID: verified.accessKeyID)
        var keys = [
            "aws:SecureTransport": ["false"], "aws:CurrentTime": [AWSTimestamp.string(now, fractionalSeconds: false)],
            "aws:EpochTime": [String(Int(now.timeIntervalSince1970))], "aws:RequestedRegion": [verified.scope.region],
        ]
        if let source = request.sourceIP { keys["aws:SourceIp"] = [source] }
        return AWSCall(
            caller: caller,
            service: verified.scope.service,
            requestID: requestID,
            now: now,
            authorizer: Authorizer(logger: self.responses.logger, requestKeys: keys)
        )
    }

    /// SigV4 failures in the form each protocol's clients expect.
    static func translate(_ failure: SigV4Failure, json: Bool) -> AWSError {
        switch failure.reason {
        case .unknownAccessKey, .invalidSessionToken:
            return AWSError(
                json ? .unrecognizedClientException : .invalidClientTokenId,
                failure.message,
                status: json ? 400 : 403
            )
        case .missingAuthentication:
            return AWSError(.missingAuthenticationTokenException, failure.message, status: json ? 400 : 403)
        case .signatureMismatch, .dateSkew, .wrongRegion, .wrongService, .malformed:
            return AWSError(
                json ? .invalidSignatureException : .signatureDoesNotMatch,
                failure.message,
                status: json ? 400 : 403
            )
        case .expired:
            return AWSError(json ? .expiredTokenException : .expiredToken, failure.message, status: json ? 400 : 403)
        case .incompleteSignature:
            return AWSError(.incompleteSignatureException, failure.message, status: json ? 400 : 403)
        }
    }
}
