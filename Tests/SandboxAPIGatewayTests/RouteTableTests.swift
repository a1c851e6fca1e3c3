import SandboxAPIGateway
import SandboxAWSCore
import XCTest

/// API Gateway's route selection: the most specific route wins, greedy variables and ANY come last, `$default`
/// catches the rest, and bad route keys are refused with what to change.
final class RouteTableTests: XCTestCase {
    private func table(_ keys: [String]) throws -> RouteTable {
        try RouteTable(keys.map { HTTPAPIDefinition.Route(routeKey: $0, function: $0) })
    }

    func testMostSpecificRouteWins() throws {
        let table = try self.table([
            "$default", "ANY /{proxy+}", "GET /items/{id}", "GET /items/special", "ANY /items/{id}", "GET /items",
            "POST /items",
        ])
        func route(_ method: String, _ path: String) -> String? {
            table.match(method: method, path: path)?.route.routeKey
        }
        XCTAssertEqual(route("GET", "/items"), "GET /items")
        XCTAssertEqual(route("POST", "/items"), "POST /items")
        XCTAssertEqual(route("GET", "/items/special"), "GET /items/special")
        XCTAssertEqual(route("GET", "/items/42"), "GET /items/{id}")
        XCTAssertEqual(route("DELETE", "/items/42"), "ANY /items/{id}")
        XCTAssertEqual(route("GET", "/items/42/parts"), "ANY /{proxy+}")
        XCTAssertEqual(route("GET", "/"), "$default", "a greedy variable needs at least one segment")
        XCTAssertEqual(table.match(method: "GET", path: "/items/42")?.pathParameters, ["id": "42"])
        XCTAssertEqual(table.match(method: "PUT", path: "/a/b/c")?.pathParameters, ["proxy": "a/b/c"])
    }

    func testNoRouteWithoutDefault() throws {
        let table = try self.table(["GET /iam"])
        XCTAssertNil(table.match(method: "POST", path: "/iam"))
        XCTAssertNil(table.match(method: "GET", path: "/iam/x"))
        XCTAssertNotNil(table.match(method: "GET", path: "/iam/"), "a trailing slash is the same path")
    }

    func testBadRouteKeysSayWhatToChange() {
        XCTAssertThrowsError(try RouteKey("/items")) { XCTAssertTrue("\($0)".contains("METHOD /path"), "\($0)") }
        XCTAssertThrowsError(try RouteKey("FETCH /items")) {
            XCTAssertTrue("\($0)".contains("'FETCH' is not a method"), "\($0)")
        }
        XCTAssertThrowsError(try RouteKey("GET /{proxy+}/x")) {
            XCTAssertTrue("\($0)".contains("must be the last segment"), "\($0)")
        }
        XCTAssertThrowsError(try self.table(["GET /a", "GET /a"])) {
            XCTAssertTrue("\($0)".contains("defined twice"), "\($0)")
        }
    }
}
