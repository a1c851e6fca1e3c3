/// What a test expects a server to receive, in the style of go-sqlmock and vitess's fakesqldb: each expectation
/// names a statement (exact, prefix or regex, compared as script rules are) and its answer (rows, an error, OK, or
/// the real execution), `times` times; in order or in any order. A statement nothing expects fails with ERROR 1105
/// naming what was expected next (`strict`), or runs as usual. `failures` says what was missed or unexpected.
public struct StatementExpectations: Sendable {
    public enum Order: Sendable, Equatable { case inOrder, anyOrder }

    public struct Expectation: Sendable, Equatable, CustomStringConvertible {
        public var match: ScriptRule.Match
        public var answer: ScriptRule.Response.Answer
        public var times: Int

        public var description: String {
            switch self.match {
            case let .exact(text): "'\(text)'"
            case let .prefix(text): "a statement starting '\(text)'"
            case let .regex(pattern): "a statement matching /\(pattern)/"
            }
        }
    }

    public var order: Order
    public var strict: Bool
    private var expected: [(expectation: Expectation, remaining: Int)] = []
    /// Statements that came and matched nothing.
    public private(set) var unexpected: [String] = []

    public init(order: Order = .inOrder, strict: Bool = true) {
        self.order = order
        self.strict = strict
    }

    /// Expects a statement `times` times, answered with `answer` (the real execution by default).
    public mutating func expect(
        _ match: ScriptRule.Match,
        answer: ScriptRule.Response.Answer = .execute,
        times: Int = 1
    ) {
        self.expected.append((Expectation(match: match, answer: answer, times: times), max(1, times)))
    }

    /// The answer for `statement`: an expectation's (used up once), the refusal of an unexpected one when strict,
    /// or nil (run it as usual).
    mutating func take(_ statement: String) -> ScriptRule.Response.Answer? {
        let normalized = ScriptRule.normalize(statement)
        let candidates = self.order == .inOrder ? Array(self.expected.indices.prefix(1)) : Array(self.expected.indices)
        if let index = candidates.first(where: { self.expected[$0].expectation.match.matches(normalized) }) {
            self.expected[index].remaining -= 1
            let answer = self.expected[index].expectation.answer
            if self.expected[index].remaining == 0 { self.expected.remove(at: index) }
            return answer
        }
        self.unexpected.append(statement)
        guard self.strict else { return nil }
        let next =
            self.expected.first.map { "; the next expected is \($0.expectation)" }
            ?? "; every expectation was already met"
        return .error(
            code: 1105,
            sqlState: "HY000",
            message: "CloudSandbox: '\(statement.prefix(200))' was not expected\(next)"
        )
    }

    /// What was expected and did not come (with how many times), and what came unexpected; empty when all went as
    /// expected.
    public var failures: [String] {
        self.expected.map {
            "expected \($0.expectation)\($0.expectation.times > 1 ? " \($0.remaining) more time(s)" : ""), not received"
        }
            + self.unexpected.map { "received '\($0.prefix(200))', not expected" }
    }
}
