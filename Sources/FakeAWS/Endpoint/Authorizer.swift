import Foundation
import IAMPolicy
import Logging

/// Decides whether a caller may perform an action on a resource, as IAM would, and logs the reason.
struct Authorizer: Sendable {
    let logger: Logger

    /// Throws AWS's access-denied error unless the identity policies (and the resource policy) allow it.
    func authorize(_ caller: Caller, action: String, resource: String, resourcePolicy: String? = nil,
                   keys: [String: [String]] = [:], json: Bool) throws(AWSError) {
        if caller.kind == .root { return }
        let context = RequestContext(principalARN: caller.arn, action: action, resource: resource,
                                     keys: keys.merging(["aws:username": caller.kind == .user ? [String(caller.arn.split(separator: "/").last ?? "")] : []],
                                                        uniquingKeysWith: { first, _ in first }))
        let resourceDocument = resourcePolicy.flatMap { try? PolicyDocument.parse($0, kind: .resource) }
        let result = PolicyEvaluator.evaluate(context, identityPolicies: caller.policies,
                                              resourcePolicy: resourceDocument.map { NamedPolicy(name: "resource-policy", document: $0) })
        self.logger.debug("authorization", metadata: ["aws.principal": "\(caller.arn)", "aws.action": "\(action)",
                                                      "aws.resource": "\(resource)", "iam.decision": "\(result)"])
        guard result.isAllowed else {
            self.logger.info("access denied", metadata: ["aws.principal": "\(caller.arn)", "aws.action": "\(action)",
                                                          "aws.resource": "\(resource)", "iam.decision": "\(result)"])
            let reason = result.decision == .explicitDeny ? "of an explicit deny in an identity-based policy" : "no identity-based policy allows the \(action) action"
            throw AWSError.accessDenied(principal: caller.arn, action: action, resource: resource, json: json, reason: json ? reason : nil)
        }
    }
}
