import Foundation

extension Condition {
    /// Whether this condition holds for `context`: OR across the policy's values, with IAM's rules for
    /// missing keys (false, except negated operators, `...IfExists` and `Null`) and for set qualifiers.
    public func holds(in context: RequestContext) -> Bool {
        let requestValues = context.values(of: self.key)
        if self.conditionOperator == .null {
            let isNull = requestValues?.isEmpty ?? true
            return self.values.contains { ($0.lowercased() == "true") == isNull }
        }
        switch self.qualifier {
        case .forAnyValue:
            guard let requestValues, !requestValues.isEmpty else { return false }
            return requestValues.contains { self.matchesOne($0) }
        case .forAllValues:
            guard let requestValues, !requestValues.isEmpty else { return true }
            return requestValues.allSatisfy { self.matchesOne($0) }
        case nil:
            guard let value = requestValues?.first else { return self.ifExists || self.conditionOperator.isNegated }
            return self.matchesOne(value)
        }
    }

    /// One request value against the policy's values (negated operators: no value may match).
    private func matchesOne(_ value: String) -> Bool {
        let op = self.conditionOperator
        let positive = self.values.contains { Self.test(op, policy: $0, request: value) }
        return op.isNegated ? !positive : positive
    }

    private static func test(_ op: ConditionOperator, policy: String, request: String) -> Bool {
        switch op {
        case .stringEquals, .stringNotEquals, .binaryEquals, .arnEquals, .arnNotEquals: return policy == request
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: return policy.lowercased() == request.lowercased()
        case .stringLike, .stringNotLike, .arnLike, .arnNotLike: return Wildcard.matches(policy, request)
        case .bool: return policy.lowercased() == request.lowercased()
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            guard let p = Double(policy), let r = Double(request) else { return false }
            return Self.compare(op, r, p)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let p = Self.date(policy), let r = Self.date(request) else { return false }
            return Self.compare(op, r, p)
        case .ipAddress, .notIpAddress: return CIDR(policy)?.contains(request) ?? false
        case .null: return false
        }
    }

    private static func compare(_ op: ConditionOperator, _ request: Double, _ policy: Double) -> Bool {
        switch op {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: request == policy
        case .numericLessThan, .dateLessThan: request < policy
        case .numericLessThanEquals, .dateLessThanEquals: request <= policy
        case .numericGreaterThan, .dateGreaterThan: request > policy
        default: request >= policy
        }
    }

    /// ISO 8601 dates and epoch seconds, as IAM accepts them.
    private static func date(_ text: String) -> Double? {
        if let epoch = Double(text) { return epoch }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        }
        return nil
    }
}

/// An IPv4 CIDR block (`10.0.0.0/16`, or a bare address as /32).
public struct CIDR: Sendable, Equatable {
    public let network: UInt32
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        // "" and "/" split to nothing
        guard let first = parts.first, let address = Self.parse(String(first)) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : 32
        guard let prefix, (0...32).contains(prefix) else { return nil }
        self.prefix = prefix
        self.network = address & Self.mask(prefix)
    }

    public func contains(_ address: String) -> Bool {
        guard let value = Self.parse(address) else { return false }
        return value & Self.mask(self.prefix) == self.network
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        return octets.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
