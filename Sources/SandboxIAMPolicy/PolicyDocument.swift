/// An IAM policy document: version and statements.
public struct PolicyDocument: Sendable, Equatable {
    public var version: String
    public var statements: [Statement]

    public init(version: String = "2012-10-17", statements: [Statement]) {
        self.version = version
        self.statements = statements
    }
}

/// One statement: effect, what it covers (actions, resources, principals, each possibly negated) and conditions.
public struct Statement: Sendable, Equatable {
    public enum Effect: String, Sendable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// A list of patterns, or its complement (`NotAction`, `NotResource`, `NotPrincipal`).
    public struct Patterns<Element: Sendable & Equatable>: Sendable, Equatable {
        public var items: [Element]
        public var negated: Bool
        public init(_ items: [Element], negated: Bool = false) {
            self.items = items
            self.negated = negated
        }
    }

    public var sid: String?
    public var effect: Effect
    public var actions: Patterns<String>
    public var resources: Patterns<String>?
    public var principals: Patterns<Principal>?
    public var conditions: [Condition]

    public init(
        sid: String? = nil,
        effect: Effect,
        actions: Patterns<String>,
        resources: Patterns<String>? = nil,
        principals: Patterns<Principal>? = nil,
        conditions: [Condition] = []
    ) {
        self.sid = sid
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.principals = principals
        self.conditions = conditions
    }
}

/// Who a resource or trust policy names.
public enum Principal: Sendable, Equatable {
    case everyone
    /// An account id, account root ARN, user ARN or role ARN.
    case aws(String)
    /// e.g. `rds.amazonaws.com`, `lambda.amazonaws.com`.
    case service(String)
    case federated(String)
}

/// One operator/key/values test of a statement's Condition block.
public struct Condition: Sendable, Equatable {
    public enum SetQualifier: String, Sendable {
        case forAnyValue = "ForAnyValue"
        case forAllValues = "ForAllValues"
    }

    public var qualifier: SetQualifier?
    public var conditionOperator: ConditionOperator
    public var ifExists: Bool
    public var key: String
    public var values: [String]

    public init(
        qualifier: SetQualifier? = nil,
        _ conditionOperator: ConditionOperator,
        ifExists: Bool = false,
        key: String,
        values: [String]
    ) {
        self.qualifier = qualifier
        self.conditionOperator = conditionOperator
        self.ifExists = ifExists
        self.key = key
        self.values = values
    }

    /// `ForAnyValue:StringLike`, `StringEqualsIfExists`, ... as written in a policy.
    public var operatorName: String {
        (self.qualifier.map { $0.rawValue + ":" } ?? "") + self.conditionOperator.rawValue
            + (self.ifExists ? "IfExists" : "")
    }
}

/// The condition operators IAM supports.
public enum ConditionOperator: String, Sendable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringNotEquals = "StringNotEquals"
    case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
    case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
    case stringLike = "StringLike"
    case stringNotLike = "StringNotLike"
    case numericEquals = "NumericEquals"
    case numericNotEquals = "NumericNotEquals"
    case numericLessThan = "NumericLessThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThan = "NumericGreaterThan"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case dateEquals = "DateEquals"
    case dateNotEquals = "DateNotEquals"
    case dateLessThan = "DateLessThan"
    case dateLessThanEquals = "DateLessThanEquals"
    case dateGreaterThan = "DateGreaterThan"
    case dateGreaterThanEquals = "DateGreaterThanEquals"
    case bool = "Bool"
    case binaryEquals = "BinaryEquals"
    case ipAddress = "IpAddress"
    case notIpAddress = "NotIpAddress"
    case arnEquals = "ArnEquals"
    case arnLike = "ArnLike"
    case arnNotEquals = "ArnNotEquals"
    case arnNotLike = "ArnNotLike"
    case null = "Null"

    /// Negated operators hold when no value matches, and also when the key is missing.
    public var isNegated: Bool {
        [
            .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
            .notIpAddress,
            .arnNotEquals, .arnNotLike,
        ].contains(self)
    }
}
