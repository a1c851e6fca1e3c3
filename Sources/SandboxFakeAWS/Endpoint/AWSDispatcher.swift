import Foundation
import Hummingbird
import Logging
import NIOCore
import SandboxAWSCore
import SandboxSigV4

/// Hands an authenticated request (`SigV4Middleware` verified it) to its service, and its answer or error to
/// `AWSResponses`.
struct AWSDispatcher: Sendable {
    let account: AccountState
    let responses: AWSResponses
    /// Services with AWS's REST protocol, by signing name.
    var restServices: [String: any RESTService] = [:]

    func respond(to request: Request, context: AWSRequestContext) async -> Response {
        guard let verified = context.aws else {
            return self.responses.error(
                AWSError(.internalFailure, "The request was not authenticated."),
                form: .json,
                requestID: IDs.requestID()
            )
        }
        let (awsRequest, call) = (verified.request, verified.call)
        do {
            let response: Response
            if case .rest = verified.form, let name = awsRequest.scopeService, let service = self.restServices[name] {
                let answer = try await service.respond(to: awsRequest, call: call)
                var headers: HTTPFields = [.init("x-amzn-RequestId")!: call.requestID]
                for (name, value) in answer.headers { headers[.init(name)!] = value }
                response = Response(
                    status: .init(code: answer.status),
                    headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
                )
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
        let answer = try AWSServiceRouter(account: self.account, restServices: Array(self.restServices.keys)).answer(
            request,
            call: call
        )
        return AWSResponses.body(answer.body, contentType: answer.contentType, requestID: call.requestID)
    }
}
