import Foundation
import SandboxJSON
import XCTest

/// The byte-level parser and writer: RFC 8259's grammar, the same text as Foundation's encoder (sorted keys,
/// slashes unescaped), and errors that say where and why instead of a crash on hostile input.
final class JSONValueTests: XCTestCase {
    func testParsesEveryKindOfValue() throws {
        let value = try JSONValue(
            parsing: Array(
                #" { "a": [1, -2, 3.5, 1e3, -0, true, false, null], "b": {"c": "d\n\"é\" \u00e9 \ud83d\ude00 \/"} } "#
                    .utf8
            )
        )
        XCTAssertEqual(
            value,
            ["a": [1, -2, .double(3.5), .double(1000), 0, true, false, nil], "b": ["c": "d\n\"é\" é 😀 /"]]
        )
        XCTAssertEqual(try JSONValue(parsing: Array("9223372036854775807".utf8)), .int(.max))
        XCTAssertEqual(
            try JSONValue(parsing: Array("9223372036854775808".utf8)),
            .double(9_223_372_036_854_775_808),
            "past Int64: a double"
        )
        XCTAssertEqual(try JSONValue(parsing: Array(#""""#.utf8)), "")
    }

    func testWritesWhatFoundationsEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let values: [JSONValue] = [
            ["z": 1, "a": ["b": [true, false, nil], "a": "x/y"], "m": -42],
            "quote \" backslash \\ newline \n tab \t return \r bell \u{07} form \u{0C} back \u{08} unit \u{1F}",
            "é 😀 \u{2028}", [], [:], .double(0.1), .double(-2.5e-7), .double(3), .double(1e300), .int(.min),
        ]
        for value in values {
            XCTAssertEqual(value.text, String(decoding: try encoder.encode(value), as: UTF8.self), "\(value)")
            XCTAssertEqual(
                try JSONValue(parsing: value.bytes),
                value.intValue.map { _ in value.normalizedNumber } ?? value,
                "round trip of \(value)"
            )
        }
        XCTAssertEqual(JSONValue.double(.nan).text, "null")
    }

    func testRefusesWhatIsNotJSON() {
        let cases: [(String, Int, String)] = [
            ("", 0, "unexpected end of input"),
            ("{\"a\":1,}", 7, "expected a member name in quotes"),
            ("[1 2]", 3, "expected ',' or ']' in an array"),
            ("01", 1, "unexpected text after the value"),
            ("1.", 2, "a fraction needs a digit"),
            ("-", 1, "a number needs a digit"),
            ("tru", 0, "unexpected word (expected true)"),
            ("\"a\u{01}\"", 2, "a control character in a string"),
            ("\"\\x\"", 2, "an unknown escape '\\x'"),
            ("\"\\ud800\"", 7, "a lone UTF-16 surrogate in \\u escapes"),
            ("\"abc", 4, "unterminated string"),
            ("{\"a\" 1}", 5, "expected ':' after a member name"),
            ("'a'", 0, "unexpected character '''"),
        ]
        for (text, offset, reason) in cases {
            XCTAssertThrowsError(try JSONValue(parsing: Array(text.utf8)), text) { error in
                XCTAssertEqual(
                    error as? JSONValue.ParseError,
                    JSONValue.ParseError(offset: offset, reason: reason),
                    text
                )
            }
        }
        XCTAssertThrowsError(try JSONValue(parsing: [0x22, 0xFF, 0x22])) {
            XCTAssertEqual(($0 as? JSONValue.ParseError)?.reason, "a string that is not UTF-8")
        }
        XCTAssertNoThrow(
            try JSONValue(
                parsing: Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8)
            )
        )
        XCTAssertThrowsError(
            try JSONValue(parsing: Array(String(repeating: "[", count: 100_000).utf8)),
            "deep nesting is refused, not a stack overflow"
        ) {
            XCTAssertEqual(($0 as? JSONValue.ParseError)?.reason, "nested deeper than 512")
        }
    }
}

extension JSONValue {
    /// An integral double reads back as an int: the text has no fraction.
    fileprivate var normalizedNumber: JSONValue {
        if case let .double(value) = self, value.rounded() == value, abs(value) < 1e15 { return .int(Int64(value)) }
        return self
    }
}
