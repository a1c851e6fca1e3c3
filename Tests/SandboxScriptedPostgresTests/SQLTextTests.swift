import XCTest

@testable import SandboxScriptedPostgres

/// The scanner the scripted backend splits and translates statements with, read over UTF-8 bytes as PostgreSQL's is.
final class SQLTextTests: XCTestCase {
    func testStatementsSplitOnlyOnSemicolonsOutsideStringsCommentsAndDollarQuotes() {
        let statements = PostgresSQLText.statements(
            "SELECT 'a;b', \"x;\"\"y\", $1, $$c;'d$$ FROM tëst -- e;\n; /* f; */ SELECT E'g\\'h;'; ;"
        )
        XCTAssertEqual(statements.count, 2)
        XCTAssertEqual(
            statements[0].significant.map(\.text),
            ["SELECT", "'a;b'", ",", "\"x;\"\"y\"", ",", "$1", ",", "'c;''d'", "FROM", "tëst"]
        )
        XCTAssertEqual(statements[0].significant[5].kind, .parameter(1))
        XCTAssertEqual(statements[1].significant.map(\.text), ["SELECT", "'g''h;'"])
    }

    func testBytesOverASCIIArePartOfWordsAndOnlyASCIIWhitespaceSeparates() {
        let text = PostgresSQLText("SELECT naïve_été\u{00A0}x, 1.5e3::numeric")
        XCTAssertEqual(text.significant.map(\.text), ["SELECT", "naïve_été\u{00A0}x", ",", "1.5e3", "::", "numeric"])
        XCTAssertEqual(text.text, "SELECT naïve_été\u{00A0}x, 1.5e3::numeric")
        XCTAssertEqual(text.leadingWords(1), ["SELECT"])
    }
}
