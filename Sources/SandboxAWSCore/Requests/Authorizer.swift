import Foundation
import Logging
import SandboxAudit
import SandboxIAMPolicy

/// Decides whether a caller may perform an action on a resource, as IAM would, and logs the deciding statements.
package struct Authorizer: Sendable {
    let logger: Logger
    /// The request's global condition keys (aws:SourceIp, aws:SecureTransport, aws:CurrentTime, aws:EpochTime).
    var requestKeys: [String: [String]] = [:]

    package init(logger: Logger, requestKeys: [String: [String]] = [:]) {
        self.logger = logger
        self.requestKeys = requestKeys
    }

    /// A resource policy and how it combines with the caller's identity policies.
    struct ResourcePolicy {
        var name: String
        var json: String?
        var role: PolicyEvaluator.ResourcePolicyRole = .either

        static func optional(_ json: String?) -> ResourcePolicy { ResourcePolicy(name: "resource-policy", json: json) }
        static func keyPolicy(_ json: String) -> ResourcePolicy {
            ResourcePolicy(name: "key-policy", json: json, role: .required)
        }
        static func trustPolicy(_ json: String) -> ResourcePolicy {
            ResourcePolicy(name: "trust-policy", json: json, role: .required)
        }
    }

    /// The decision for `caller` (what SimulatePrincipalPolicy reports), with the request keys and `keys` in context.
    func evaluate(
        _ caller: Caller,
        action: String,
        resource: String,
        resourcePolicy: ResourcePolicy? = nil,
        keys: [String: [String]] = [:]
    ) -> EvaluationResult {
        var context = self.requestKeys.merging(keys) { _, new in new }
        if caller.kind == .user { context["aws:username"] = [String(caller.arn.split(separator: "/").last ?? "")] }
        context["aws:PrincipalAccount"] = [caller.account]
        let request = RequestContext(principalARN: caller.arn, action: action, resource: resource, keys: context)
        // A policy AWS would refuse cannot have been stored, so a parse failure here only drops the resource policy.
        let document = resourcePolicy?.json.flatMap { try? PolicyDocument.parse($0, kind: .resource) }
        return PolicyEvaluator.evaluate(
            request,
            identityPolicies: caller.policies,
            resourcePolicy: document.map { NamedPolicy(name: resourcePolicy!.name, document: $0) },
            resourcePolicyRole: resourcePolicy?.role ?? .either
        )
    }

    /// Throws AWS's access-denied error, with AWS's reason, unless the policies allow the request.
    func authorize(
        _ caller: Caller,
        action: String,
        resource: String,
        resourcePolicy: ResourcePolicy? = nil,
        keys: [String: [String]] = [:],
        json: Bool
    ) throws(AWSError) {
        let result = self.evaluate(
            caller,
            action: action,
            resource: resource,
            resourcePolicy: resourcePolicy,
            keys: keys
        )
        self.logger.decide(
            .authorization,
            subject: caller.arn,
            outcome: result.isAllowed ? "allowed" : "denied",
            reason: "\(action) on \(resource): \(result)",
            level: result.isAllowed ? .debug : .info,
            result.isAllowed ? "access allowed" : "access denied",
            metadata: [
                "aws.principal": "\(caller.arn)", "aws.action": "\(action)", "aws.resource": "\(resource)",
                "iam.decision": "\(result)",
            ]
        )
        guard result.isAllowed else {
            throw AWSError.accessDenied(
                principal: caller.arn,
                action: action,
                resource: resource,
                json: json,
                reason: self.reason(
                    result,
                    caller: caller,
                    action: action,
                    resource: resource,
                    resourcePolicy: resourcePolicy,
                    keys: keys
                )
            )
        }
    }

    /// AWS's explanation suffix: "with an explicit deny in a resource-based policy", "because no identity-based
    /// policy allows the kms:Decrypt action" (identity-based when allowing everything in identity policies would
    /// have been enough, resource-based otherwise).
    private func reason(
        _ result: EvaluationResult,
        caller: Caller,
        action: String,
        resource: String,
        resourcePolicy: ResourcePolicy?,
        keys: [String: [String]]
    ) -> String {
        if result.decision == .explicitDeny {
            let inResource = result.matchedStatements.contains { $0.policy == resourcePolicy?.name }
            return "with an explicit deny in \(inResource ? "a resource-based" : "an identity-based") policy"
        }
        var unrestricted = caller
        unrestricted.policies = [.allowEverything]
        let identityWouldDo = self.evaluate(
            unrestricted,
            action: action,
            resource: resource,
            resourcePolicy: resourcePolicy,
            keys: keys
        ).isAllowed
        return "because no \(identityWouldDo ? "identity-based" : "resource-based") policy allows the \(action) action"
    }
}

extension NamedPolicy {
    /// What the root user holds: every action on every resource (resource policies may still deny or not delegate).
    static let allowEverything = NamedPolicy(
        name: "root",
        document: try! PolicyDocument.parse(
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#
        )
    )
}
