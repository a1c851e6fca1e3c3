import CloudSandbox
import XCTest

/// What people read at a terminal: aligned columns, the last one wrapped under itself.
final class TextTableTests: XCTestCase {
    func testColumnsAlignUnderUpperCaseHeaders() {
        let table = TextTable(
            ["target", "state", "reason"],
            rows: [["app-db", "AVAILABLE", "-"], ["orders-db-1", "UNAVAILABLE", "UNREACHABLE"]]
        )
        XCTAssertEqual(
            table.lines(width: nil),
            [
                "TARGET       STATE        REASON",
                "app-db       AVAILABLE    -",
                "orders-db-1  UNAVAILABLE  UNREACHABLE",
            ]
        )
    }

    func testTheLastColumnWrapsAtSpacesToFitTheWidth() {
        let table = TextTable(
            [],
            rows: [["app", "refused", "the token was signed for another host than this proxy"]],
            indent: 2
        )
        let lines = table.lines(width: 40)
        XCTAssertEqual(
            lines,
            [
                "  app  refused  the token was signed for",
                "                another host than this",
                "                proxy",
            ]
        )
        XCTAssertTrue(lines.allSatisfy { $0.count <= 40 })
    }

    func testAWordLongerThanTheColumnIsCutAndTheColumnKeepsSixteenCharacters() {
        XCTAssertEqual(
            TextTable([], rows: [["k", String(repeating: "x", count: 20)]]).lines(width: 10),
            ["k  xxxxxxxxxxxxxxxx", "   xxxx"]
        )
    }

    func testAnAuditEventLinesUpUnderTheLogHeader() {
        let event = AuditEvent(
            component: "RDSProxy",
            kind: .login,
            subject: "app",
            outcome: "refused",
            reason: "no rds-db:connect"
        )
        let header = AuditEvent.tableHeader(width: nil)[0]
        let row = event.tableLines(width: nil)[0]
        XCTAssertEqual(header, "TIME          COMPONENT       KIND           OUTCOME    SUBJECT: REASON")
        XCTAssertEqual(row.dropFirst(14), "RDSProxy        login          refused    app: no rds-db:connect")
        XCTAssertEqual(
            header.range(of: "SUBJECT")?.lowerBound.utf16Offset(in: header),
            row.range(of: "app:")?.lowerBound.utf16Offset(in: row)
        )
    }
}
