import Foundation
import NIOConcurrencyHelpers

/// The server's rules, consulted in order, with how many uses each has left.
final class ScriptBook: Sendable {
    private let rules = NIOLockedValueBox<[(rule: ScriptRule, remaining: Int?)]>([])

    func add(_ rule: ScriptRule) {
        let remaining: Int? = if case let .count(count) = rule.times { count } else { nil }
        self.rules.withLockedValue { $0.append((rule, remaining)) }
    }

    func removeAll() { self.rules.withLockedValue { $0.removeAll() } }

    /// The first live rule matching `statement`, using up one of its uses.
    var isEmpty: Bool { self.rules.withLockedValue { $0.isEmpty } }

    func take(for statement: String) -> ScriptRule.Response? {
        let normalized = ScriptRule.normalize(statement)
        return self.rules.withLockedValue { rules in
            guard let index = rules.firstIndex(where: { ($0.remaining ?? 1) > 0 && $0.rule.matches(normalized) }) else { return nil }
            if let remaining = rules[index].remaining { rules[index].remaining = remaining - 1 }
            return rules[index].rule.response
        }
    }
}
