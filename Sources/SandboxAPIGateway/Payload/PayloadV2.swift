import Foundation
import SandboxLambda

/// Payload format 2.0: the event API Gateway sends a Lambda proxy integration, and how it reads the answer.
public enum PayloadV2 {
    public static func event(
        _ request: GatewayRequest,
        match: RouteTable.Match,
        api: HTTPAPIDefinition,
        accountID: String,
        region: String
    ) -> JSONValue {
        var headers: [String: String] = [:]
        var cookies: [JSONValue] = []
        for (name, value) in request.headers {
            let key = name.lowercased()
            if key == "cookie" {
                cookies += value.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) }
                continue
            }
            headers[key] = headers[key].map { "\($0),\(value)" } ?? value
        }
        let domain = api.domainName(region: region)
        let path = request.decodedPath
        var event: [String: JSONValue] = [
            "version": "2.0", "routeKey": .string(match.key.description), "rawPath": .string(request.rawPath),
            "rawQueryString": .string(request.rawQueryString), "headers": .object(headers.mapValues(JSONValue.string)),
            "requestContext": [
                "accountId": .string(accountID), "apiId": .string(api.id), "domainName": .string(domain),
                "domainPrefix": .string(api.id), "requestId": .string(request.requestID),
                "routeKey": .string(match.key.description),
                "stage": "$default", "time": .string(request.clfTime), "timeEpoch": .int(request.epochMillis),
                "http": [
                    "method": .string(request.method), "path": .string(path), "protocol": "HTTP/1.1",
                    "sourceIp": .string(request.sourceIP), "userAgent": .string(request.header("user-agent") ?? ""),
                ],
            ],
        ]
        let (body, base64) = request.bodyValue
        event["isBase64Encoded"] = .bool(base64)
        if body != .null { event["body"] = body }
        if !cookies.isEmpty { event["cookies"] = .array(cookies) }
        var query: [String: String] = [:]
        for (name, value) in request.queryPairs { query[name] = query[name].map { "\($0),\(value)" } ?? value }
        if !query.isEmpty { event["queryStringParameters"] = .object(query.mapValues(JSONValue.string)) }
        if !match.pathParameters.isEmpty {
            event["pathParameters"] = .object(
                match.pathParameters.mapValues { .string(GatewayRequest.percentDecoded($0)) }
            )
        }
        return .object(event)
    }

    /// The HTTP response for a function's answer. Without `statusCode`, valid JSON is a 200 `application/json`
    /// response whose body is the answer; anything else malformed is a 502. `answer` is `payload` already parsed,
    /// when the function returned it in process.
    public static func response(
        _ payload: [UInt8],
        answer: JSONValue? = nil
    ) throws(MalformedResponse) -> GatewayResponse {
        guard let value = answer ?? (try? JSONValue(parsing: payload)) else {
            throw MalformedResponse(reason: "the function's response is not JSON")
        }
        guard let object = value.objectValue, object["statusCode"] != nil else {
            return GatewayResponse(status: 200, headers: [("content-type", "application/json")], body: payload)
        }
        return try GatewayResponse.proxyResponse(object, cookies: true)
    }
}
