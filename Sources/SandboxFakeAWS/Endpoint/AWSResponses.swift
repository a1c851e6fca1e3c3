import Foundation
import Hummingbird
import Logging
import NIOCore
import SandboxAWSCore
import SandboxAudit

/// How AWS answers, in each protocol's form: the one place results and errors become HTTP responses, and every
/// API call is logged for the audit log.
struct AWSResponses: Sendable {
    /// The protocol a request speaks: query (XML), JSON (`X-Amz-Target`), or REST (Lambda, API Gateway).
    enum Form: Sendable {
        case query(service: String?)
        case json, rest
    }

    let logger: Logger

    func error(_ error: AWSError, form: Form, requestID: String) -> Response {
        switch form {
        case .rest:
            var fields = error.fields
            fields["Type"] = error.status >= 500 ? "Service" : "User"
            fields["message"] = error.message
            let body = AWSJSON.encode(fields)
            return Response(
                status: .init(code: error.status),
                headers: [
                    .contentType: "application/json", .init("x-amzn-RequestId")!: requestID,
                    .init("x-amzn-ErrorType")!: error.code.rawValue,
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        case .json:
            var response = Self.body(error.jsonBody, contentType: "application/x-amz-json-1.1", requestID: requestID)
            response.status = .init(code: error.status)
            return response
        case let .query(service):
            var response = Self.body(
                error.xmlBody(requestID: requestID, namespace: AWSServiceRouter.namespace(of: service)),
                contentType: "text/xml",
                requestID: requestID
            )
            response.status = .init(code: error.status)
            return response
        }
    }

    static func body(_ body: [UInt8], contentType: String, requestID: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .init("x-amzn-RequestId")!: requestID],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// Every API call, answered or refused (with AWS's error), for the audit log.
    func audit(_ request: AWSRequest, requestID: String, refusal: AWSError?) {
        let operation = request.target?.operation ?? request.queryForm["Action"] ?? "\(request.method) \(request.path)"
        let subject = "\(request.scopeService ?? "?"):\(operation)"
        guard let refusal else {
            return self.logger.decide(
                .apiCall,
                subject: subject,
                outcome: "ok",
                "request answered",
                metadata: ["aws.request_id": "\(requestID)"]
            )
        }
        self.logger.decide(
            .apiCall,
            subject: subject,
            outcome: "refused",
            reason: "\(refusal.code): \(refusal.message)",
            level: .info,
            "request refused",
            metadata: ["aws.request_id": "\(requestID)", "aws.error": "\(refusal.code)"]
        )
    }
}
