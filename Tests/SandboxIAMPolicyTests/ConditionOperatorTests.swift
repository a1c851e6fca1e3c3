import SandboxIAMPolicy
import XCTest

/// Table tests: every operator, with present and missing keys, IfExists, set qualifiers and Null.
final class ConditionOperatorTests: XCTestCase {
    struct Row {
        var condition: Condition
        var keys: [String: [String]]
        var expected: Bool
        var line: UInt
    }

    func row(
        _ op: ConditionOperator,
        _ values: [String],
        _ request: [String]?,
        _ expected: Bool,
        qualifier: Condition.SetQualifier? = nil,
        ifExists: Bool = false,
        line: UInt = #line
    ) -> Row {
        Row(
            condition: Condition(qualifier: qualifier, op, ifExists: ifExists, key: "test:Key", values: values),
            keys: request.map { ["test:key": $0] } ?? [:],
            expected: expected,
            line: line
        )
    }

    func testEveryOperator() {
        let rows = [
            row(.stringEquals, ["a", "b"], ["b"], true), row(.stringEquals, ["a"], ["A"], false),
            row(.stringEquals, ["a"], nil, false),
            row(.stringNotEquals, ["a"], ["b"], true), row(.stringNotEquals, ["a", "b"], ["b"], false),
            row(.stringNotEquals, ["a"], nil, true),
            row(.stringEqualsIgnoreCase, ["Prod"], ["PROD"], true),
            row(.stringNotEqualsIgnoreCase, ["Prod"], ["prod"], false),
            row(.stringLike, ["arn:*:secret:db-??????"], ["arn:x:secret:db-AbC123"], true),
            row(.stringLike, ["db-?"], ["db-12"], false),
            row(.stringNotLike, ["test-*"], ["prod-1"], true), row(.stringNotLike, ["test-*"], ["test-1"], false),
            row(.numericEquals, ["10"], ["10.0"], true), row(.numericNotEquals, ["10"], ["11"], true),
            row(.numericLessThan, ["10"], ["9"], true), row(.numericLessThan, ["10"], ["10"], false),
            row(.numericLessThanEquals, ["10"], ["10"], true), row(.numericGreaterThan, ["10"], ["11"], true),
            row(.numericGreaterThanEquals, ["10"], ["9"], false), row(.numericEquals, ["10"], ["ten"], false),
            row(.dateLessThan, ["2030-01-01T00:00:00Z"], ["2026-11-23T10:00:00Z"], true),
            row(.dateGreaterThan, ["2030-01-01T00:00:00Z"], ["2026-11-23T10:00:00Z"], false),
            row(.dateEquals, ["1700000000"], ["2023-11-14T22:13:20Z"], true),
            row(.dateNotEquals, ["1700000000"], ["1700000001"], true),
            row(.dateLessThanEquals, ["2020-01-01"], ["2020-01-01"], true),
            row(.dateGreaterThanEquals, ["2020-01-01"], ["2019-12-31"], false),
            row(.bool, ["true"], ["true"], true), row(.bool, ["true"], ["false"], false),
            row(.bool, ["false"], nil, false),
            row(.binaryEquals, ["QmluYXJ5"], ["QmluYXJ5"], true),
            row(.ipAddress, ["10.0.0.0/16"], ["10.0.200.7"], true),
            row(.ipAddress, ["10.0.0.0/16"], ["10.1.0.1"], false),
            row(.ipAddress, ["192.0.2.5"], ["192.0.2.5"], true),
            row(.notIpAddress, ["10.0.0.0/8"], ["172.16.0.1"], true),
            row(.notIpAddress, ["10.0.0.0/8"], ["10.9.9.9"], false),
            row(.arnEquals, ["arn:aws:iam::123456789012:role/app"], ["arn:aws:iam::123456789012:role/app"], true),
            row(.arnLike, ["arn:aws:iam::*:role/app-*"], ["arn:aws:iam::123456789012:role/app-prod"], true),
            row(.arnNotEquals, ["arn:aws:iam::1:role/a"], ["arn:aws:iam::1:role/b"], true),
            row(.arnNotLike, ["arn:aws:iam::*:role/app-*"], ["arn:aws:iam::1:role/app-x"], false),
            row(.null, ["true"], nil, true), row(.null, ["true"], ["x"], false), row(.null, ["false"], ["x"], true),
            row(.null, ["false"], nil, false),
            // IfExists: a missing key passes, a present one is tested.
            row(.stringEquals, ["a"], nil, true, ifExists: true),
            row(.stringEquals, ["a"], ["b"], false, ifExists: true),
            // Set qualifiers over multi-valued keys.
            row(.stringEquals, ["a", "b"], ["b", "z"], true, qualifier: .forAnyValue),
            row(.stringEquals, ["a", "b"], ["y", "z"], false, qualifier: .forAnyValue),
            row(.stringEquals, ["a"], nil, false, qualifier: .forAnyValue),
            row(.stringEquals, ["a", "b"], ["a", "b"], true, qualifier: .forAllValues),
            row(.stringEquals, ["a", "b"], ["a", "z"], false, qualifier: .forAllValues),
            row(.stringEquals, ["a"], nil, true, qualifier: .forAllValues),
        ]
        for row in rows {
            let context = RequestContext(action: "s:A", resource: "*", keys: row.keys)
            XCTAssertEqual(
                row.condition.holds(in: context),
                row.expected,
                "\(row.condition.operatorName) \(row.condition.values) vs \(row.keys)",
                line: row.line
            )
        }
        let tested = Set(rows.map(\.condition.conditionOperator))
        XCTAssertEqual(tested, Set(ConditionOperator.allCases), "every operator has rows")
    }

    func testWildcards() {
        XCTAssertTrue(Wildcard.matches("secretsmanager:Get*", "secretsmanager:GetSecretValue"))
        XCTAssertTrue(Wildcard.matches("RDS-DB:connect", "rds-db:Connect", ignoringCase: true))
        XCTAssertTrue(Wildcard.matches("*", ""))
        XCTAssertTrue(Wildcard.matches("a*b*c", "aXXbYYc"))
        XCTAssertFalse(Wildcard.matches("a*b*c", "aXXbYY"))
        XCTAssertFalse(
            Wildcard.matches("arn:aws:rds-db:*:*:dbuser:prx-1/*", "arn:aws:rds-db:us-east-1:1:dbuser:db-ABC/app")
        )
    }

    /// Found by `make fuzz` (FuzzPolicy): an IpAddress condition value of "" or "/" trapped (index out of range)
    /// while the policy was evaluated. It is no CIDR, and matches nothing.
    func testAnEmptyCIDRIsNoneAndMatchesNothing() {
        XCTAssertNil(CIDR(""))
        XCTAssertNil(CIDR("/"))
        XCTAssertNil(CIDR("/16"))
        XCTAssertEqual(CIDR("10.0.0.0/16")?.prefix, 16)
        let empty = self.row(.ipAddress, ["", "/"], ["10.0.0.1"], false)
        XCTAssertFalse(
            empty.condition.holds(in: RequestContext(action: "s3:GetObject", resource: "*", keys: empty.keys))
        )
    }
}
