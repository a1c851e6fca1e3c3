import Foundation
import NIOConcurrencyHelpers
import SandboxMySQLWire

/// The server's rules, consulted in order, with how many uses each has left; and the test's expectations, which
/// come first when set.
final class ScriptBook: Sendable {
    private let rules = NIOLockedValueBox<[(rule: ScriptRule, matcher: ScriptMatcher, remaining: Int?)]>([])
    private let expectations = NIOLockedValueBox<StatementExpectations?>(nil)
    /// Statements as rules compare them, by their text as sent.
    private let normalized = StatementTextCache<String>()

    func add(_ rule: ScriptRule) {
        let remaining: Int? = if case let .count(count) = rule.times { count } else { nil }
        let matcher = ScriptMatcher(rule.match)
        self.rules.withLockedValue { $0.append((rule, matcher, remaining)) }
    }

    func removeAll() { self.rules.withLockedValue { $0.removeAll() } }

    /// Replaces the expectations (nil: none).
    func expect(_ expectations: StatementExpectations?) { self.expectations.withLockedValue { $0 = expectations } }

    /// What the expectations missed or did not expect.
    var expectationFailures: [String] { self.expectations.withLockedValue { $0?.failures ?? [] } }

    /// No rules and no expectations: statements run as they are.
    var isEmpty: Bool { self.rules.withLockedValue { $0.isEmpty } && self.expectations.withLockedValue { $0 == nil } }

    /// The expectation's answer for `statement`, else the first live rule matching it (using up one of its uses).
    func take(for statement: String) -> ScriptRule.Response? {
        if let answer = self.expectations.withLockedValue({ $0?.take(statement) }) { return .init(answer: answer) }
        guard !self.rules.withLockedValue({ $0.isEmpty }) else { return nil }
        let normalized =
            self.normalized[statement]
            ?? {
                let text = ScriptRule.normalize(statement)
                self.normalized.keep(text, for: statement)
                return text
            }()
        return self.rules.withLockedValue { rules in
            guard let index = rules.firstIndex(where: { ($0.remaining ?? 1) > 0 && $0.matcher.matches(normalized) })
            else { return nil }
            if let remaining = rules[index].remaining { rules[index].remaining = remaining - 1 }
            return rules[index].rule.response
        }
    }
}
