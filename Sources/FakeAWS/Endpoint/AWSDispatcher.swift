import AWSSigV4
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Hands an authenticated request (`SigV4Middleware` verified it) to its service, and its answer or error to
/// `AWSResponses`.
struct AWSDispatcher: Sendable {
    let account: AccountState
    let responses: AWSResponses
    /// Services with AWS's REST protocol, by signing name.
    var restServices: [String: any RESTService] = [:]

    func respond(to request: Request, context: AWSRequestContext) async -> Response {
        guard let verified = context.aws else {
            return self.responses.error(AWSError(.internalFailure, "The request was not authenticated."),
                                        form: .json, requestID: IDs.requestID())
        }
        let (awsRequest, call) = (verified.request, verified.call)
        do {
            let response: Response
            if case .rest = verified.form, let name = awsRequest.scopeService, let service = self.restServices[name] {
                let answer = try await service.respond(to: awsRequest, call: call)
                var headers: HTTPFields = [.init("x-amzn-RequestId")!: call.requestID]
                for (name, value) in answer.headers { headers[.init(name)!] = value }
                response = Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            } else {
                response = try self.handle(awsRequest, call: call)
            }
            self.responses.audit(awsRequest, requestID: call.requestID, refusal: nil)
            return response
        } catch {
            self.responses.audit(awsRequest, requestID: call.requestID, refusal: error)
            return self.responses.error(error, form: verified.form, requestID: call.requestID)
        }
    }

    /// A query or JSON protocol request, answered by its service.
    private func handle(_ request: AWSRequest, call: AWSCall) throws(AWSError) -> Response {
        let account = self.account
        let isJSON = request.target != nil
        let requestID = call.requestID
        let (service, caller, authorizer, now) = (call.service, call.caller, call.authorizer, call.now)
        switch service {
        case "sts", "iam", "rds":
            let form = request.form
            guard let action = form["Action"] else { throw AWSError.missingParameter("Action") }
            func operation<Operation: RawRepresentable<String>>(_: Operation.Type) throws(AWSError) -> Operation {
                guard let operation = Operation(rawValue: action) else { throw AWSError.invalidAction(action, service: service) }
                return operation
            }
            let result = switch service {
            case "sts": try STSService(account: account, authorizer: authorizer).handle(try operation(STSOperation.self), form, caller: caller, now: now)
            case "iam": try IAMService(account: account, authorizer: authorizer).handle(try operation(IAMOperation.self), form, caller: caller)
            default: try RDSService(account: account, authorizer: authorizer).handle(try operation(RDSOperation.self), form, caller: caller, now: now)
            }
            return AWSResponses.body(XML.response(action: action, namespace: AWSResponses.namespace(of: service), result: result, requestID: requestID),
                                 contentType: "text/xml", requestID: requestID)
        case "secretsmanager", "kms":
            let prefix = service == "kms" ? "TrentService" : "secretsmanager"
            guard let target = request.target, target.prefix == prefix else {
                throw AWSError(.unknownOperationException, "\(service) requests need X-Amz-Target: \(prefix).<Operation>.")
            }
            let output: any Encodable & Sendable
            if service == "kms" {
                guard let operation = KMSOperation(rawValue: target.operation) else {
                    throw AWSError(.unknownOperationException, "KMS has no operation \(target.operation) in this sandbox.")
                }
                output = try KMSService(account: account, authorizer: authorizer).handle(operation, try AWSJSON.decode(KMSInput.self, from: request.body), caller: caller)
            } else {
                guard let operation = SecretsManagerOperation(rawValue: target.operation) else {
                    throw AWSError(.unknownOperationException, "Secrets Manager has no operation \(target.operation).")
                }
                output = try SecretsManagerService(account: account, authorizer: authorizer).handle(operation, body: request.body, caller: caller, now: now)
            }
            return AWSResponses.body(AWSJSON.encode(output), contentType: "application/x-amz-json-1.1", requestID: requestID)
        default:
            throw AWSError(isJSON ? .unknownOperationException : .invalidAction, "This sandbox does not serve the '\(service)' service (yet): IAM, STS, KMS, RDS, Secrets Manager\(self.restServices.keys.sorted().map { ", \($0)" }.joined()) are available.", status: 400)
        }
    }
}
