import Foundation
import SandboxIAMPolicy

extension IAMService {
    /// SimulatePrincipalPolicy: each action on each resource, evaluated for the user or role with its identity
    /// policies (plus PolicyInputList and ResourcePolicy), answered in the shape of IAM's EvaluationResult.
    func simulate(
        _ input: IAMShapes.SimulatePrincipalPolicyInput,
        principal: Caller,
        authorizer: Authorizer
    ) throws(AWSError) -> IAMShapes.EvaluationResults {
        guard !input.actionNames.isEmpty else { throw .missingParameter("ActionNames") }
        let resources = input.resourceArns.isEmpty ? ["*"] : input.resourceArns
        var subject = principal
        for (index, json) in input.policyInputList.enumerated() {
            subject.policies.append(
                NamedPolicy(name: "PolicyInputList.\(index + 1)", document: try Self.parse(json, kind: .identity))
            )
        }
        var keys: [String: [String]] = [:]
        for entry in input.contextEntries { keys[entry.contextKeyName] = entry.contextKeyValues }
        let resourcePolicy = try input.resourcePolicy.map { json throws(AWSError) in
            _ = try Self.parse(json, kind: .resource)
            return Authorizer.ResourcePolicy.optional(json)
        }
        var results: [IAMShapes.EvaluationResult] = []
        for action in input.actionNames {
            for resource in resources {
                let result = authorizer.evaluate(
                    subject,
                    action: action,
                    resource: resource,
                    resourcePolicy: resourcePolicy,
                    keys: keys
                )
                results.append(
                    .init(
                        evalActionName: action,
                        evalResourceName: resource,
                        evalDecision: result.decision.rawValue,
                        matchedStatements: result.matchedStatements.map { match in
                            .init(
                                sourcePolicyId: "\(match.policy) statement \(match.sid ?? "#\(match.index + 1)")",
                                sourcePolicyType: match.policy == resourcePolicy?.name ? "resource" : "IAM Policy"
                            )
                        }
                    )
                )
            }
        }
        return IAMShapes.EvaluationResults(evaluationResults: results)
    }

    /// A policy document, or IAM's MalformedPolicyDocument error naming the problem.
    static func parse(_ json: String, kind: PolicyDocument.Kind) throws(AWSError) -> PolicyDocument {
        do throws(MalformedPolicyDocument) { return try PolicyDocument.parse(json, kind: kind) } catch {
            throw AWSError(.malformedPolicyDocument, error.message)
        }
    }
}
