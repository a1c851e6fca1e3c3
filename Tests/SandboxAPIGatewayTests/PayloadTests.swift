import Foundation
import SandboxAPIGateway
import SandboxLambda
import XCTest

/// Payload formats 1.0 and 2.0 against golden events (the request of AWS's documented examples, built with fixed
/// ids and time), and the response mappings API Gateway applies.
final class PayloadTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/apigateway")

    /// `POST /my/path?parameter1=value1&parameter1=value2&parameter2=value` with two cookies and a repeated header.
    private let request = GatewayRequest(
        method: "POST",
        rawPath: "/my/path",
        rawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
        headers: [
            ("Header1", "value1"), ("Header2", "value1"), ("Header2", "value2"), ("Cookie", "cookie1; cookie2"),
            ("User-Agent", "agent"),
        ],
        body: Array("Hello from Lambda".utf8),
        sourceIP: "192.0.2.1",
        requestID: "JKJaXmPLvHcESHA=",
        time: Date(timeIntervalSince1970: 1_583_348_638.390)
    )
    private let api = HTTPAPIDefinition(name: "example", id: "r3pmxmplak", routes: [])

    private func golden(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
    }

    private func match(_ key: String, path: String) throws -> RouteTable.Match {
        try XCTUnwrap(try RouteTable([.init(routeKey: key, function: "f")]).match(method: "POST", path: path))
    }

    func testVersion2EventMatchesTheGoldenEvent() throws {
        let event = PayloadV2.event(
            self.request,
            match: try self.match("$default", path: "/my/path"),
            api: self.api,
            accountID: "123456789012",
            region: "us-east-1"
        )
        XCTAssertEqual(event, try self.golden("v2-event.json"), event.text)
    }

    func testVersion1EventMatchesTheGoldenEvent() throws {
        let event = PayloadV1.event(
            self.request,
            match: try self.match("POST /my/{name}", path: "/my/path"),
            api: self.api,
            accountID: "123456789012",
            region: "us-east-1"
        )
        XCTAssertEqual(event, try self.golden("v1-event.json"), event.text)
    }

    func testBinaryBodiesTravelAsBase64() throws {
        var binary = self.request
        binary.headers = [("Content-Type", "image/png")]
        binary.body = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF]
        let event = PayloadV2.event(
            binary,
            match: try self.match("$default", path: "/my/path"),
            api: self.api,
            accountID: "1",
            region: "us-east-1"
        )
        XCTAssertEqual(event["isBase64Encoded"], true)
        XCTAssertEqual(event["body"], .string(Data(binary.body).base64EncodedString()))
        XCTAssertNil(event["cookies"])
    }

    func testVersion2ResponseMappings() throws {
        let inferred = try PayloadV2.response(Array(#"{"rows":[1,2]}"#.utf8))
        XCTAssertEqual(
            inferred,
            GatewayResponse(
                status: 200,
                headers: [("content-type", "application/json")],
                body: Array(#"{"rows":[1,2]}"#.utf8)
            )
        )
        let string = try PayloadV2.response(Array(#""hello""#.utf8))
        XCTAssertEqual(string.body, Array(#""hello""#.utf8), "valid JSON without statusCode is the body as it is")
        let full = try PayloadV2.response(
            Array(
                (#"{"statusCode":201,"headers":{"x-a":"1"},"cookies":["a=1","b=2"],"body":"aGk=","#
                    + #""isBase64Encoded":true}"#)
                    .utf8
            )
        )
        XCTAssertEqual(
            full,
            GatewayResponse(
                status: 201,
                headers: [("x-a", "1"), ("set-cookie", "a=1"), ("set-cookie", "b=2")],
                body: Array("hi".utf8)
            )
        )
        XCTAssertThrowsError(try PayloadV2.response(Array("not json".utf8)))
        XCTAssertThrowsError(try PayloadV2.response(Array(#"{"statusCode":"abc"}"#.utf8)))
        XCTAssertThrowsError(
            try PayloadV2.response(Array(#"{"statusCode":200,"body":"%%","isBase64Encoded":true}"#.utf8))
        )
    }

    func testVersion1ResponseNeedsAStatusCode() throws {
        XCTAssertThrowsError(try PayloadV1.response(Array(#"{"rows":[1]}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("statusCode"), "\($0)")
        }
        let mapped = try PayloadV1.response(
            Array(#"{"statusCode":"404","multiValueHeaders":{"x-b":["1","2"]},"body":"gone"}"#.utf8)
        )
        XCTAssertEqual(
            mapped,
            GatewayResponse(status: 404, headers: [("x-b", "1"), ("x-b", "2")], body: Array("gone".utf8))
        )
    }
}
