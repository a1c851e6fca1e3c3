import Foundation

/// The answer to a query- or JSON-protocol request: its body as the protocol encodes it.
package struct AWSProtocolAnswer: Sendable {
    package var body: [UInt8]
    package var contentType: String
}

/// Routes an authenticated query-protocol (`Action=`: STS, IAM, RDS) or JSON-protocol (`X-Amz-Target`: KMS, Secrets
/// Manager) request to its service's operation, and encodes the answer as that protocol does. No HTTP: the
/// endpoint hands it the verified request and wraps what it returns.
package struct AWSServiceRouter: Sendable {
    package let account: AccountState
    /// Signing names of the REST services the endpoint also serves, for the error naming what is available.
    package var restServices: [String]

    package init(account: AccountState, restServices: [String]) {
        self.account = account
        self.restServices = restServices
    }

    package func answer(_ request: AWSRequest, call: AWSCall) throws(AWSError) -> AWSProtocolAnswer {
        let account = self.account
        let (service, caller, authorizer, now) = (call.service, call.caller, call.authorizer, call.now)
        switch service {
        case "sts", "iam", "rds":
            let form = request.queryForm
            guard let action = form["Action"] else { throw AWSError.missingParameter("Action") }
            func operation<Operation: RawRepresentable<String>>(_: Operation.Type) throws(AWSError) -> Operation {
                guard let operation = Operation(rawValue: action) else {
                    throw AWSError.invalidAction(action, service: service)
                }
                return operation
            }
            let result =
                switch service {
                case "sts":
                    try STSService(account: account, authorizer: authorizer).handle(
                        try operation(STSOperation.self),
                        form,
                        caller: caller,
                        now: now
                    )
                case "iam":
                    try IAMService(account: account, authorizer: authorizer).handle(
                        try operation(IAMOperation.self),
                        form,
                        caller: caller
                    )
                default:
                    try RDSService(account: account, authorizer: authorizer).handle(
                        try operation(RDSOperation.self),
                        form,
                        caller: caller,
                        now: now
                    )
                }
            let body = XML.response(
                action: action,
                namespace: Self.namespace(of: service),
                result: result,
                requestID: call.requestID
            )
            return AWSProtocolAnswer(body: body, contentType: "text/xml")
        case "secretsmanager", "kms":
            let prefix = service == "kms" ? "TrentService" : "secretsmanager"
            guard let target = request.target, target.prefix == prefix else {
                throw AWSError(
                    .unknownOperationException,
                    "\(service) requests need X-Amz-Target: \(prefix).<Operation>."
                )
            }
            let output: any Encodable & Sendable
            if service == "kms" {
                guard let operation = KMSOperation(rawValue: target.operation) else {
                    throw AWSError(
                        .unknownOperationException,
                        "KMS has no operation \(target.operation) in this sandbox."
                    )
                }
                output = try KMSService(account: account, authorizer: authorizer).handle(
                    operation,
                    try AWSJSON.decode(KMSInput.self, from: request.body),
                    caller: caller
                )
            } else {
                guard let operation = SecretsManagerOperation(rawValue: target.operation) else {
                    throw AWSError(.unknownOperationException, "Secrets Manager has no operation \(target.operation).")
                }
                output = try SecretsManagerService(account: account, authorizer: authorizer).handle(
                    operation,
                    body: request.body,
                    caller: caller,
                    now: now
                )
            }
            return AWSProtocolAnswer(body: AWSJSON.encode(output), contentType: "application/x-amz-json-1.1")
        default:
            let available =
                "IAM, STS, KMS, RDS, Secrets Manager" + self.restServices.sorted().map { ", \($0)" }.joined()
            throw AWSError(
                request.target != nil ? .unknownOperationException : .invalidAction,
                "This sandbox does not serve the '\(service)' service (yet): \(available) are available.",
                status: 400
            )
        }
    }

    /// The XML namespace of a query-protocol service's responses and errors.
    package static func namespace(of service: String?) -> String {
        switch service {
        case "sts": STSService.namespace
        case "rds": RDSService.namespace
        default: IAMService.namespace
        }
    }
}
