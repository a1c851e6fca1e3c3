import SandboxJSON
import SandboxLambda
import SandboxMySQLWire
import SandboxPostgresWire
import XCTest

@testable import SandboxLambdaDatabase

/// What the built-in SQL function binds from its event and answers as JSON, for both engines: event paths to
/// parameters (a missing one is NULL), and columns to JSON numbers, booleans or text by their type, as drivers
/// decode them.
final class SQLFunctionValuesTests: XCTestCase {
    static let event: JSONValue = [
        "pathParameters": ["id": "42"],
        "body": ["count": 3, "price": .double(1.5), "paid": true, "note": nil, "tags": ["a"]],
    ]

    func testEventPathsBecomeMySQLParameters() {
        XCTAssertEqual(SQLFunction.lookup("pathParameters.id", in: Self.event), .text("42"))
        XCTAssertEqual(SQLFunction.lookup("body.count", in: Self.event), .integer(3))
        XCTAssertEqual(SQLFunction.lookup("body.price", in: Self.event), .double(1.5))
        XCTAssertEqual(SQLFunction.lookup("body.paid", in: Self.event), .integer(1), "MySQL's booleans are 1 and 0")
        XCTAssertEqual(SQLFunction.lookup("body.note", in: Self.event), .null)
        XCTAssertEqual(SQLFunction.lookup("body.missing.deeper", in: Self.event), .null, "a missing path is NULL")
        XCTAssertEqual(SQLFunction.lookup("body.tags", in: Self.event), .text(#"["a"]"#), "other values as JSON text")
    }

    func testEventPathsBecomePostgresTextParameters() {
        XCTAssertEqual(SQLFunction.text(at: "pathParameters.id", in: Self.event), Array("42".utf8))
        XCTAssertEqual(SQLFunction.text(at: "body.count", in: Self.event), Array("3".utf8))
        XCTAssertEqual(SQLFunction.text(at: "body.paid", in: Self.event), Array("true".utf8))
        XCTAssertNil(SQLFunction.text(at: "body.note", in: Self.event))
        XCTAssertNil(SQLFunction.text(at: "nothing", in: Self.event))
    }

    func testMySQLColumnsAsJSON() {
        XCTAssertEqual(MySQLQueryResultJSON.json(.text("42"), type: .longlong), .int(42), "text protocol integers")
        XCTAssertEqual(MySQLQueryResultJSON.json(.text("0.5"), type: .double), .double(0.5))
        XCTAssertEqual(MySQLQueryResultJSON.json(.text("42"), type: .varString), .string("42"), "text stays text")
        XCTAssertEqual(MySQLQueryResultJSON.json(.text("12.50"), type: .newdecimal), .string("12.50"), "exact decimals")
        XCTAssertEqual(MySQLQueryResultJSON.json(.integer(-7), type: .long), .int(-7))
        XCTAssertEqual(
            MySQLQueryResultJSON.json(.unsignedInteger(.max), type: .longlong),
            .string("18446744073709551615")
        )
        XCTAssertEqual(MySQLQueryResultJSON.json(.bytes(Array("blob".utf8)), type: .blob), .string("blob"))
        XCTAssertEqual(MySQLQueryResultJSON.json(.null, type: .long), .null)
    }

    func testPostgresColumnsAsJSON() {
        XCTAssertEqual(PostgresResultJSON.json(Array("7".utf8), type: .int4), .int(7))
        XCTAssertEqual(PostgresResultJSON.json(Array("2.25".utf8), type: .float8), .double(2.25))
        XCTAssertEqual(PostgresResultJSON.json(Array("t".utf8), type: .bool), .bool(true))
        XCTAssertEqual(PostgresResultJSON.json(Array("f".utf8), type: .bool), .bool(false))
        XCTAssertEqual(PostgresResultJSON.json(Array("12.50".utf8), type: .numeric), .string("12.50"), "exact numerics")
        XCTAssertEqual(PostgresResultJSON.json(Array("x".utf8), type: .text), .string("x"))
        XCTAssertEqual(PostgresResultJSON.json(nil, type: .int4), .null)
    }
}
