import Foundation
import SandboxMySQLWire

/// A scripted answer: when a statement matches, answer rows, an error or OK, wait, or drop the connection,
/// once, N times or always. Statements are compared case-insensitively with whitespace collapsed.
public struct ScriptRule: Sendable, Codable, Equatable {
    public enum Match: Sendable, Codable, Equatable {
        case exact(String)
        case prefix(String)
        case regex(String)

        /// Whether `statement` (already normalized) matches; a `ScriptBook` keeps its rules' matchers made once.
        func matches(_ statement: String) -> Bool { ScriptMatcher(self).matches(statement) }
    }

    /// What to do; `delay` applies first, then the answer (or, with `.execute`, the real execution).
    public struct Response: Sendable, Codable, Equatable {
        public enum Answer: Sendable, Codable, Equatable {
            case execute
            case rows(columns: [String], rows: [[String?]])
            case error(code: UInt16, sqlState: String, message: String)
            case ok(affectedRows: UInt64)
            case drop
        }

        public var delay: Double?
        public var answer: Answer

        public init(delay: Double? = nil, answer: Answer) {
            self.delay = delay
            self.answer = answer
        }
    }

    public enum Times: Sendable, Codable, Equatable {
        case always
        case count(Int)
    }

    public var match: Match
    public var response: Response
    public var times: Times

    public init(match: Match, response: Response, times: Times = .always) {
        self.match = match
        self.response = response
        self.times = times
    }

    public static func error(
        _ match: Match,
        code: UInt16,
        sqlState: String,
        message: String,
        times: Times = .always
    ) -> Self {
        .init(
            match: match,
            response: .init(answer: .error(code: code, sqlState: sqlState, message: message)),
            times: times
        )
    }
    public static func rows(_ match: Match, columns: [String], rows: [[String?]], times: Times = .always) -> Self {
        .init(match: match, response: .init(answer: .rows(columns: columns, rows: rows)), times: times)
    }
    public static func delay(_ match: Match, seconds: Double, times: Times = .always) -> Self {
        .init(match: match, response: .init(delay: seconds, answer: .execute), times: times)
    }
    public static func drop(_ match: Match, times: Times = .always) -> Self {
        .init(match: match, response: .init(answer: .drop), times: times)
    }

    /// Whether `statement` (already normalized) matches.
    func matches(_ statement: String) -> Bool { self.match.matches(statement) }

    /// Lower-cased, whitespace collapsed, trailing semicolons dropped.
    static func normalize(_ statement: String) -> String {
        SQLText.normalized(statement).lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// A rule's match made ready once: its text normalized, its pattern compiled.
struct ScriptMatcher: Sendable {
    private enum Compiled: Sendable {
        case exact(String)
        case prefix(String)
        /// nil: a pattern that does not compile, which matches nothing.
        case regex(NSRegularExpression?)
    }

    private let compiled: Compiled

    init(_ match: ScriptRule.Match) {
        switch match {
        case let .exact(text): self.compiled = .exact(ScriptRule.normalize(text))
        case let .prefix(text): self.compiled = .prefix(ScriptRule.normalize(text))
        case let .regex(pattern):
            self.compiled = .regex(try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]))
        }
    }

    /// Whether `statement` (already normalized) matches: the same text, a text it starts with, or the pattern
    /// anywhere in it, case-blind.
    func matches(_ statement: String) -> Bool {
        switch self.compiled {
        case let .exact(text): return text == statement
        case let .prefix(text): return statement.hasPrefix(text)
        case let .regex(expression):
            return expression?.firstMatch(in: statement, range: NSRange(statement.startIndex..., in: statement)) != nil
        }
    }
}
