import Foundation
import SandboxAWSCore
import SandboxIAMPolicy

/// A function's resource-based policy (AddPermission, RemovePermission, GetPolicy): what lets a service such as
/// API Gateway invoke it. Without a statement for it, API Gateway's invoke is refused and its client gets 500.
extension LambdaService {
    /// One AddPermission statement.
    public struct Permission: Sendable, Equatable {
        public var statementID: String
        public var action: String
        /// A service principal (`apigateway.amazonaws.com`) or an account.
        public var principal: String
        /// `arn:aws:execute-api:region:account:api-id/*` (ArnLike aws:SourceArn), when given.
        public var sourceARN: String?

        public init(
            statementID: String,
            action: String = "lambda:InvokeFunction",
            principal: String,
            sourceARN: String? = nil
        ) {
            self.statementID = statementID
            self.action = action
            self.principal = principal
            self.sourceARN = sourceARN
        }
    }

    public func addPermission(_ reference: String, _ permission: Permission) throws(AWSError) {
        let name = try self.slotName(reference)
        guard permission.statementID.range(of: #"^[a-zA-Z0-9_-]{1,100}$"#, options: .regularExpression) != nil else {
            throw AWSError(
                .validationException,
                "1 validation error detected: Value '\(permission.statementID)' at 'statementId' failed to satisfy "
                    + "constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"
            )
        }
        guard !(self.slots[name]?.permissions.contains { $0.statementID == permission.statementID } ?? false) else {
            throw AWSError(
                .resourceConflictException,
                "The statement id (\(permission.statementID)) provided already exists. Please provide a new "
                    + "statement id, or remove the existing statement."
            )
        }
        self.slots[name]?.permissions.append(permission)
        self.parseResourcePolicy(name)
    }

    public func removePermission(_ reference: String, statementID: String) throws(AWSError) {
        let name = try self.slotName(reference)
        guard let index = self.slots[name]?.permissions.firstIndex(where: { $0.statementID == statementID }) else {
            throw AWSError(.resourceNotFoundException, "Statement \(statementID) is not found in resource policy.")
        }
        self.slots[name]?.permissions.remove(at: index)
        self.parseResourcePolicy(name)
    }

    /// Keeps the slot's resource policy parsed, once per change rather than once per invocation.
    private func parseResourcePolicy(_ name: String) {
        guard let permissions = self.slots[name]?.permissions else { return }
        self.slots[name]?.resourcePolicy =
            permissions.isEmpty
            ? nil
            : try? PolicyDocument.parse(Self.document(permissions, resource: self.arn(of: name)).text, kind: .resource)
    }

    /// The policy document GetPolicy returns; nil when the function has none.
    public func policy(of reference: String) throws(AWSError) -> String? {
        let name = try self.slotName(reference)
        let permissions = self.slots[name]?.permissions ?? []
        guard !permissions.isEmpty else { return nil }
        return Self.document(permissions, resource: self.arn(of: name)).text
    }

    /// Invoke on behalf of `service` (API Gateway) with the event it built: the function's resource policy must
    /// allow it for `sourceARN`.
    public func invoke(
        _ reference: String,
        event: JSONValue,
        asService service: String,
        sourceARN: String
    ) async throws(AWSError) -> InvokeResult {
        let name = try self.slotName(reference)
        let arn = self.arn(of: name)
        let context = RequestContext(
            servicePrincipal: service,
            action: "lambda:InvokeFunction",
            resource: arn,
            keys: ["aws:SourceArn": [sourceARN], "aws:SourceAccount": [self.accountID]]
        )
        let allowed =
            self.slots[name]?.resourcePolicy.map {
                PolicyEvaluator.evaluate(
                    context,
                    identityPolicies: [],
                    resourcePolicy: NamedPolicy(name: "function-policy", document: $0)
                ).isAllowed
            } ?? false
        guard allowed else {
            throw AWSError(
                .accessDeniedException,
                "\(service) is not authorized to perform: lambda:InvokeFunction on resource: \(arn) for "
                    + "\(sourceARN): the function's resource-based policy has no statement that allows it "
                    + "(AddPermission)",
                status: 403
            )
        }
        let payload = event.bytes
        try self.admit(payload)
        return try await self.start(name, payload: payload, event: event)
    }

    static func document(_ permissions: [Permission], resource: String) -> JSONValue {
        let statements: [JSONValue] = permissions.map { permission in
            var statement: [String: JSONValue] = [
                "Sid": .string(permission.statementID), "Effect": "Allow", "Action": .string(permission.action),
                "Resource": .string(resource),
                "Principal": permission.principal.hasSuffix(".amazonaws.com")
                    ? ["Service": .string(permission.principal)]
                    : [
                        "AWS": .string(
                            permission.principal.hasPrefix("arn:")
                                ? permission.principal : "arn:aws:iam::\(permission.principal):root"
                        )
                    ],
            ]
            if let source = permission.sourceARN {
                statement["Condition"] = ["ArnLike": ["AWS:SourceArn": .string(source)]]
            }
            return .object(statement)
        }
        return ["Version": "2012-10-17", "Id": "default", "Statement": .array(statements)]
    }
}
