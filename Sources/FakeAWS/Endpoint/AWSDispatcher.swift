import AWSSigV4
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Authenticates a request and hands it to its service; the only place that turns results and errors into
/// HTTP responses.
struct AWSDispatcher: Sendable {
    let account: AccountState
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Services with AWS's REST protocol, by signing name.
    var restServices: [String: any RESTService] = [:]
    /// Lambda's Invoke takes 6 MB payloads (REST services); the query and JSON services 2 MiB.
    static let maxBody = 7 * 1024 * 1024
    static let maxServiceBody = 2 * 1024 * 1024

    func respond(to request: Request, context: AWSRequestContext) async -> Response {
        let requestID = IDs.requestID()
        var request = request
        let isJSON = request.headers[.init("X-Amz-Target")!] != nil
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxBody)
        } catch {
            return self.error(AWSError(code: "RequestEntityTooLarge", message: "Request body is larger than \(Self.maxBody) bytes.", status: 413),
                              json: isJSON, service: nil, requestID: requestID)
        }
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
        var awsRequest = AWSRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                                    headers: headers, body: Array(body.readableBytesView))
        awsRequest.sourceIP = context.remoteAddress?.ipAddress
        if let name = awsRequest.scopeService, let service = self.restServices[name], !isJSON, awsRequest.path != "/" {
            return await self.respond(to: awsRequest, rest: service, requestID: requestID)
        }
        guard awsRequest.body.count <= Self.maxServiceBody else {
            return self.error(AWSError(code: "RequestEntityTooLarge", message: "Request body is larger than \(Self.maxServiceBody) bytes.", status: 413),
                              json: isJSON, service: nil, requestID: requestID)
        }
        do {
            let response = try self.handle(awsRequest, requestID: requestID)
            self.audit(awsRequest, requestID: requestID, refusal: nil)
            return response
        } catch {
            self.audit(awsRequest, requestID: requestID, refusal: error)
            return self.error(error, json: isJSON, service: awsRequest.scopeService, requestID: requestID)
        }
    }

    /// Every API call, answered or refused (with AWS's error), for the audit log.
    private func audit(_ request: AWSRequest, requestID: String, refusal: AWSError?) {
        let operation = request.target?.operation ?? request.form["Action"] ?? "\(request.method) \(request.path)"
        var metadata: Logger.Metadata = ["aws.request_id": "\(requestID)", "audit": "api-call", "audit.subject": "\(request.scopeService ?? "?"):\(operation)",
                                         "audit.outcome": "\(refusal == nil ? "ok" : "refused")"]
        guard let refusal else { return self.logger.debug("request answered", metadata: metadata) }
        metadata["aws.error"] = "\(refusal.code)"
        metadata["audit.reason"] = "\(refusal.code): \(refusal.message)"
        self.logger.info("request refused", metadata: metadata)
    }

    /// A REST-protocol request: authenticated here, answered by its service; errors as `x-amzn-ErrorType` + JSON.
    private func respond(to request: AWSRequest, rest service: any RESTService, requestID: String) async -> Response {
        do {
            let call = try self.authenticate(request, json: true, requestID: requestID)
            let answer = try await service.respond(to: request, call: call)
            self.audit(request, requestID: requestID, refusal: nil)
            var headers: HTTPFields = [.init("x-amzn-RequestId")!: requestID]
            for (name, value) in answer.headers { headers[.init(name)!] = value }
            return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        } catch {
            self.audit(request, requestID: requestID, refusal: error)
            var fields = error.fields
            fields["Type"] = error.status >= 500 ? "Service" : "User"
            fields["message"] = error.message
            let body = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
            return Response(status: .init(code: error.status),
                            headers: [.contentType: "application/json", .init("x-amzn-RequestId")!: requestID, .init("x-amzn-ErrorType")!: error.code],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
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
            throw AWSError(code: isJSON ? "InvalidSignatureException" : "SignatureDoesNotMatch",
                           message: "Credential should be scoped to a valid region. This sandbox serves \(account.region), not '\(verified.scope.region)'.")
        }
        let caller = try account.caller(accessKeyID: verified.accessKeyID)
        var keys = ["aws:SecureTransport": ["false"], "aws:CurrentTime": [ISO8601DateFormatter().string(from: now)],
                    "aws:EpochTime": [String(Int(now.timeIntervalSince1970))], "aws:RequestedRegion": [verified.scope.region]]
        if let source = request.sourceIP { keys["aws:SourceIp"] = [source] }
        return AWSCall(caller: caller, service: verified.scope.service, requestID: requestID, now: now,
                       authorizer: Authorizer(logger: self.logger, requestKeys: keys))
    }

    private func handle(_ request: AWSRequest, requestID: String) throws(AWSError) -> Response {
        let account = self.account
        let isJSON = request.target != nil
        let call = try self.authenticate(request, json: isJSON, requestID: requestID)
        let (service, caller, authorizer, now) = (call.service, call.caller, call.authorizer, call.now)
        switch service {
        case "sts", "iam", "rds":
            let form = request.form
            guard let action = form["Action"] else { throw AWSError.missingParameter("Action") }
            let result = switch service {
            case "sts": try STSService(account: account, authorizer: authorizer).handle(action, form, caller: caller, now: now)
            case "iam": try IAMService(account: account, authorizer: authorizer).handle(action, form, caller: caller)
            default: try RDSService(account: account, authorizer: authorizer).handle(action, form, caller: caller, now: now)
            }
            return Self.response(XML.response(action: action, namespace: Self.namespace(of: service), result: result, requestID: requestID),
                                 contentType: "text/xml", requestID: requestID)
        case "secretsmanager", "kms":
            let prefix = service == "kms" ? "TrentService" : "secretsmanager"
            guard let target = request.target, target.prefix == prefix else {
                throw AWSError(code: "UnknownOperationException", message: "\(service) requests need X-Amz-Target: \(prefix).<Operation>.")
            }
            let input = try request.json()
            let output = service == "kms"
                ? try KMSService(account: account, authorizer: authorizer).handle(target.operation, input, caller: caller)
                : try SecretsManagerService(account: account, authorizer: authorizer).handle(target.operation, input, caller: caller, now: now)
            let data = (try? JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])) ?? Data("{}".utf8)
            return Self.response(Array(data), contentType: "application/x-amz-json-1.1", requestID: requestID)
        default:
            throw AWSError(code: isJSON ? "UnknownOperationException" : "InvalidAction",
                           message: "This sandbox does not serve the '\(service)' service (yet): IAM, STS, KMS, RDS, Secrets Manager\(self.restServices.keys.sorted().map { ", \($0)" }.joined()) are available.")
        }
    }

    /// SigV4 failures in the form each protocol's clients expect.
    static func translate(_ failure: SigV4Failure, json: Bool) -> AWSError {
        switch failure.reason {
        case .unknownAccessKey, .invalidSessionToken:
            return AWSError(code: json ? "UnrecognizedClientException" : "InvalidClientTokenId", message: failure.message, status: json ? 400 : 403)
        case .missingAuthentication:
            return AWSError(code: "MissingAuthenticationTokenException", message: failure.message, status: json ? 400 : 403)
        case .signatureMismatch, .dateSkew, .wrongRegion, .wrongService, .malformed:
            return AWSError(code: json ? "InvalidSignatureException" : "SignatureDoesNotMatch", message: failure.message, status: json ? 400 : 403)
        case .expired:
            return AWSError(code: json ? "ExpiredTokenException" : "ExpiredToken", message: failure.message, status: json ? 400 : 403)
        case .incompleteSignature:
            return AWSError(code: "IncompleteSignatureException", message: failure.message, status: json ? 400 : 403)
        }
    }

    /// The XML namespace of a query-protocol service's responses and errors.
    static func namespace(of service: String?) -> String {
        switch service {
        case "sts": STSService.namespace
        case "rds": RDSService.namespace
        default: IAMService.namespace
        }
    }

    private func error(_ error: AWSError, json: Bool, service: String?, requestID: String) -> Response {
        var response = Self.response(json ? error.jsonBody : error.xmlBody(requestID: requestID, namespace: Self.namespace(of: service)),
                                     contentType: json ? "application/x-amz-json-1.1" : "text/xml", requestID: requestID)
        response.status = .init(code: error.status)
        return response
    }

    private static func response(_ body: [UInt8], contentType: String, requestID: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .init("x-amzn-RequestId")!: requestID],
                 body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
