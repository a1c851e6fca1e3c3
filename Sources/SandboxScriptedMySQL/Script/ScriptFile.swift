import Foundation
import Yams

/// Rules from a YAML or JSON file:
///
/// ```yaml
/// rules:
///   - match: {prefix: "SELECT * FROM orders"}
///     error: {code: 1213, sqlState: "40001", message: "Deadlock found when trying to get lock"}
///     times: 1
///   - match: {regex: "^update "}
///     delay: 2.5            # then runs the statement
///   - match: {exact: "select 42"}
///     rows: {columns: [answer], rows: [["42"]]}
///   - match: {prefix: "DELETE"}
///     drop: true
/// ```
public enum ScriptFile {
    struct Document: Decodable { var rules: [Entry] }

    struct Entry: Decodable {
        struct MatchSpec: Decodable {
            var exact: String?
            var prefix: String?
            var regex: String?
        }
        struct RowsSpec: Decodable {
            var columns: [String]
            var rows: [[String?]]
        }
        struct ErrorSpec: Decodable {
            var code: UInt16
            var sqlState: String?
            var message: String
        }
        struct OKSpec: Decodable { var affectedRows: UInt64? }

        var match: MatchSpec
        var rows: RowsSpec?
        var error: ErrorSpec?
        var ok: OKSpec?
        var drop: Bool?
        var delay: Double?
        var times: Int?
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String) throws -> [ScriptRule] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read script file \(path); check the path in your topology")
        }
        return try self.parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "script") throws -> [ScriptRule] {
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw Failure(
                description: "\(source): not a script (expected `rules:` with match/answer entries): \(error)"
            )
        }
        return try document.rules.enumerated().map { index, entry in
            let label = "\(source): rule \(index + 1)"
            let match: ScriptRule.Match
            switch (entry.match.exact, entry.match.prefix, entry.match.regex) {
            case let (exact?, nil, nil): match = .exact(exact)
            case let (nil, prefix?, nil): match = .prefix(prefix)
            case let (nil, nil, regex?):
                guard (try? NSRegularExpression(pattern: regex)) != nil else {
                    throw Failure(description: "\(label): '\(regex)' is not a valid regular expression")
                }
                match = .regex(regex)
            default: throw Failure(description: "\(label): match needs exactly one of exact, prefix or regex")
            }
            let answers = [entry.rows != nil, entry.error != nil, entry.ok != nil, entry.drop == true].filter { $0 }
                .count
            guard answers <= 1 else {
                throw Failure(description: "\(label): give at most one of rows, error, ok, drop")
            }
            guard answers == 1 || entry.delay != nil else {
                throw Failure(description: "\(label): give an answer (rows, error, ok, drop) or a delay")
            }
            let answer: ScriptRule.Response.Answer
            if let rows = entry.rows {
                guard rows.rows.allSatisfy({ $0.count == rows.columns.count }) else {
                    throw Failure(description: "\(label): every row needs \(rows.columns.count) values, one per column")
                }
                answer = .rows(columns: rows.columns, rows: rows.rows)
            } else if let error = entry.error {
                guard !(2000..<3000).contains(error.code) else {
                    throw Failure(
                        description:
                            "\(label): error codes 2000-2999 are client-side; a server cannot send \(error.code)"
                    )
                }
                answer = .error(code: error.code, sqlState: error.sqlState ?? "HY000", message: error.message)
            } else if let ok = entry.ok {
                answer = .ok(affectedRows: ok.affectedRows ?? 0)
            } else if entry.drop == true {
                answer = .drop
            } else {
                answer = .execute
            }
            if let times = entry.times, times < 1 {
                throw Failure(description: "\(label): times must be 1 or more (omit it for always)")
            }
            return ScriptRule(
                match: match,
                response: .init(delay: entry.delay, answer: answer),
                times: entry.times.map { .count($0) } ?? .always
            )
        }
    }
}
