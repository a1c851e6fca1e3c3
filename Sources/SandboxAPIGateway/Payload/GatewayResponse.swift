import Foundation
import SandboxLambda

/// What the API's client gets.
public struct GatewayResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: GatewayResponse, rhs: GatewayResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }

    /// API Gateway's own answers: `{"message":"Not Found"}` and the like.
    public static func message(_ status: Int, _ text: String) -> GatewayResponse {
        GatewayResponse(
            status: status,
            headers: [("content-type", "application/json")],
            body: Array(#"{"message":"\#(text)"}"#.utf8)
        )
    }

    /// `{statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded}` → the response.
    static func proxyResponse(_ object: [String: JSONValue], cookies: Bool) throws(MalformedResponse) -> GatewayResponse
    {
        guard let status = object["statusCode"]?.intValue ?? object["statusCode"]?.stringValue.flatMap(Int.init),
            (100...599).contains(status)
        else {
            throw MalformedResponse(reason: "statusCode is missing or not an HTTP status")
        }
        var headers: [(String, String)] = []
        for (name, value) in (object["headers"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            headers.append((name, value.stringValue ?? value.text))
        }
        for (name, values) in (object["multiValueHeaders"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            if case let .array(items) = values { headers += items.map { (name, $0.stringValue ?? $0.text) } }
        }
        if cookies, case let .array(items)? = object["cookies"] {
            headers += items.compactMap(\.stringValue).map { ("set-cookie", $0) }
        }
        var body: [UInt8] = []
        switch object["body"] {
        case nil, .null?: break
        case let .string(text)?:
            if object["isBase64Encoded"] == .bool(true) {
                guard let data = Data(base64Encoded: text) else {
                    throw MalformedResponse(reason: "isBase64Encoded is true but body is not base64")
                }
                body = Array(data)
            } else {
                body = Array(text.utf8)
            }
        case let other?: body = other.bytes
        }
        return GatewayResponse(status: status, headers: headers, body: body)
    }
}

/// A function answer API Gateway cannot turn into a response (the client gets 502).
public struct MalformedResponse: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { self.reason }
}
