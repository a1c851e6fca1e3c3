/// A policy with a name, as the policy simulator reports it (e.g. `role/app-role/inline/read-secrets`).
public struct NamedPolicy: Sendable, Equatable {
    public var name: String
    public var document: PolicyDocument
    public init(name: String, document: PolicyDocument) {
        self.name = name
        self.document = document
    }
}

/// The decision, in the shape of the IAM policy simulator's EvaluationResult.
public struct EvaluationResult: Sendable, Equatable, CustomStringConvertible {
    public enum Decision: String, Sendable { case allowed, explicitDeny, implicitDeny }

    /// A statement that matched the request.
    public struct MatchedStatement: Sendable, Equatable, CustomStringConvertible {
        public var policy: String
        public var index: Int
        public var sid: String?
        public var effect: Statement.Effect
        public var description: String {
            "\(self.policy) statement \(self.sid ?? "#\(self.index + 1)") (\(self.effect.rawValue))"
        }
    }

    public var decision: Decision
    /// The statements that decided: the Deny statements for an explicit deny, the Allow ones for an allow.
    public var matchedStatements: [MatchedStatement]

    public var isAllowed: Bool { self.decision == .allowed }

    public var description: String {
        switch self.decision {
        case .allowed: "allowed by " + self.matchedStatements.map(\.description).joined(separator: ", ")
        case .explicitDeny: "explicitly denied by " + self.matchedStatements.map(\.description).joined(separator: ", ")
        case .implicitDeny: "implicitly denied: no statement allows it"
        }
    }
}

/// IAM's evaluation for one account: an explicit Deny in any policy wins; otherwise an Allow in an identity
/// policy, or in the resource policy naming this principal, allows; otherwise the request is implicitly denied.
/// A resource policy Allow that names only the caller's account delegates to the account's identity policies
/// and does not allow on its own.
public enum PolicyEvaluator {
    /// How the resource policy combines with identity policies.
    public enum ResourcePolicyRole: Sendable {
        /// Either may allow (S3 buckets, secrets, most services).
        case either
        /// The resource policy must allow, naming the principal or delegating to its account, in which case an
        /// identity policy must allow too (KMS key policies, role trust policies).
        case required
    }

    public static func evaluate(
        _ context: RequestContext,
        identityPolicies: [NamedPolicy],
        resourcePolicy: NamedPolicy? = nil,
        resourcePolicyRole: ResourcePolicyRole = .either
    ) -> EvaluationResult {
        var identityAllows: [EvaluationResult.MatchedStatement] = []
        var resourceAllows: [EvaluationResult.MatchedStatement] = []
        var delegations: [EvaluationResult.MatchedStatement] = []
        var denies: [EvaluationResult.MatchedStatement] = []
        let all = identityPolicies.map { ($0, false) } + (resourcePolicy.map { [($0, true)] } ?? [])
        for (policy, isResourcePolicy) in all {
            for (index, statement) in policy.document.statements.enumerated() {
                let scope = statement.scope(for: context, asResourcePolicy: isResourcePolicy)
                guard scope != .none else { continue }
                let match = EvaluationResult.MatchedStatement(
                    policy: policy.name,
                    index: index,
                    sid: statement.sid,
                    effect: statement.effect
                )
                switch (statement.effect, scope, isResourcePolicy) {
                case (.deny, _, _): denies.append(match)
                case (.allow, .principal, false): identityAllows.append(match)
                case (.allow, .principal, true): resourceAllows.append(match)
                case (.allow, .account, _): delegations.append(match)
                case (_, .none, _): break
                }
            }
        }
        if !denies.isEmpty { return EvaluationResult(decision: .explicitDeny, matchedStatements: denies) }
        let allows: [EvaluationResult.MatchedStatement]
        switch resourcePolicyRole {
        case .either:
            allows = identityAllows + resourceAllows
        case .required:
            allows =
                !resourceAllows.isEmpty
                ? resourceAllows : (delegations.isEmpty || identityAllows.isEmpty ? [] : delegations + identityAllows)
        }
        if !allows.isEmpty { return EvaluationResult(decision: .allowed, matchedStatements: allows) }
        return EvaluationResult(decision: .implicitDeny, matchedStatements: [])
    }
}

/// How a statement covers a request.
enum StatementScope: Equatable {
    case none
    /// Covered through the caller's account only (a resource policy naming an account).
    case account
    /// Covered for this principal.
    case principal
}

extension Statement {
    /// Whether the statement covers the request: action, resource, principal (resource policies) and every condition.
    func scope(for context: RequestContext, asResourcePolicy: Bool) -> StatementScope {
        let actionMatch = self.actions.items.contains { Wildcard.matches($0, context.action, ignoringCase: true) }
        guard actionMatch != self.actions.negated else { return .none }
        if let resources = self.resources {
            let match = resources.items.contains { Wildcard.matches($0, context.resource) }
            guard match != resources.negated else { return .none }
        }
        var scope = StatementScope.principal
        if asResourcePolicy {
            guard let principals = self.principals else { return .none }
            let best = principals.items.map { $0.scope(for: context) }
            let matched =
                best.contains(.principal) ? StatementScope.principal : best.contains(.account) ? .account : .none
            if principals.negated {
                guard matched == .none else { return .none }
            } else {
                guard matched != .none else { return .none }
                scope = matched
            }
        }
        return self.conditions.allSatisfy { $0.holds(in: context) } ? scope : .none
    }
}

extension Principal {
    /// Whether the caller is this principal: a user or role ARN (covering the role's sessions), a service,
    /// everyone, or an account (id or root ARN), which covers its principals only through delegation.
    func scope(for context: RequestContext) -> StatementScope {
        switch self {
        case .everyone: return .principal
        case let .service(name): return context.servicePrincipal == name ? .principal : .none
        case .federated: return .none
        case let .aws(value):
            guard let caller = context.principalARN else { return .none }
            let account =
                value.allSatisfy(\.isNumber)
                ? value : value.hasSuffix(":root") ? RequestContext.account(of: value) : nil
            if let account { return RequestContext.account(of: caller) == account ? .account : .none }
            return value == caller || value == RequestContext.roleARN(of: caller) ? .principal : .none
        }
    }
}
