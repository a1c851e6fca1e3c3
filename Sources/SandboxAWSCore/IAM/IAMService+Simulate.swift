import Foundation
import SandboxIAMPolicy

extension IAMService {
    /// SimulatePrincipalPolicy: each action on each resource, evaluated for the user or role with its identity
    /// policies (plus PolicyInputList and ResourcePolicy), answered in the shape of IAM's EvaluationResult.
    func simulate(_ form: [String: String], principal: Caller, authorizer: Authorizer) throws(AWSError) -> String {
        let actions = form.members("ActionNames")
        guard !actions.isEmpty else { throw .missingParameter("ActionNames") }
        let resources = form.members("ResourceArns").isEmpty ? ["*"] : form.members("ResourceArns")
        var subject = principal
        for (index, json) in form.members("PolicyInputList").enumerated() {
            subject.policies.append(NamedPolicy(name: "PolicyInputList.\(index + 1)", document: try Self.parse(json, kind: .identity)))
        }
        var keys: [String: [String]] = [:]
        for entry in form.memberStructures("ContextEntries") {
            guard let name = entry["ContextKeyName"] else { throw .missingParameter("ContextEntries.member.N.ContextKeyName") }
            keys[name] = entry.members("ContextKeyValues")
        }
        let resourcePolicy = try form["ResourcePolicy"].map { json throws(AWSError) in
            _ = try Self.parse(json, kind: .resource)
            return Authorizer.ResourcePolicy.optional(json)
        }
        var results = ""
        for action in actions {
            for resource in resources {
                let result = authorizer.evaluate(subject, action: action, resource: resource, resourcePolicy: resourcePolicy, keys: keys)
                let statements = result.matchedStatements.map { match in
                    "<member>" + XML.element("SourcePolicyId", "\(match.policy) statement \(match.sid ?? "#\(match.index + 1)")")
                        + XML.element("SourcePolicyType", match.policy == resourcePolicy?.name ? "resource" : "IAM Policy") + "</member>"
                }.joined()
                results += "<member>" + XML.element("EvalActionName", action) + XML.element("EvalResourceName", resource)
                    + XML.element("EvalDecision", result.decision.rawValue) + "<MatchedStatements>\(statements)</MatchedStatements>"
                    + "<MissingContextValues></MissingContextValues></member>"
            }
        }
        return "<EvaluationResults>\(results)</EvaluationResults><IsTruncated>false</IsTruncated>"
    }

    /// A policy document, or IAM's MalformedPolicyDocument error naming the problem.
    static func parse(_ json: String, kind: PolicyDocument.Kind) throws(AWSError) -> PolicyDocument {
        do throws(MalformedPolicyDocument) { return try PolicyDocument.parse(json, kind: kind) } catch {
            throw AWSError(.malformedPolicyDocument, error.message)
        }
    }
}
