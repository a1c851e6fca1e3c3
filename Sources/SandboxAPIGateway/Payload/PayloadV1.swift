import Foundation
import SandboxLambda

/// Payload format 1.0 (the REST API's shape, on an HTTP API): multi-value headers and query parameters,
/// `resource`/`path`/`httpMethod`, and a response that must carry `statusCode`.
public enum PayloadV1 {
    public static func event(
        _ request: GatewayRequest,
        match: RouteTable.Match,
        api: HTTPAPIDefinition,
        accountID: String,
        region: String
    ) -> JSONValue {
        var headers: [String: JSONValue] = [:]
        var multiHeaders: [String: [JSONValue]] = [:]
        for (name, value) in request.headers {
            headers[name] = .string(value)
            multiHeaders[name, default: []].append(.string(value))
        }
        var query: [String: JSONValue] = [:]
        var multiQuery: [String: [JSONValue]] = [:]
        for (name, value) in request.queryPairs {
            query[name] = .string(value)
            multiQuery[name, default: []].append(.string(value))
        }
        let path = request.decodedPath
        let resource =
            match.key.isDefault
            ? "$default"
            : "/"
                + match.key.segments.map { segment in
                    switch segment {
                    case let .literal(text): text
                    case let .parameter(name): "{\(name)}"
                    case let .greedy(name): "{\(name)+}"
                    }
                }.joined(separator: "/")
        let (body, base64) = request.bodyValue
        return [
            "version": "1.0", "resource": .string(resource), "path": .string(path),
            "httpMethod": .string(request.method),
            "headers": .object(headers), "multiValueHeaders": .object(multiHeaders.mapValues(JSONValue.array)),
            "queryStringParameters": query.isEmpty ? .null : .object(query),
            "multiValueQueryStringParameters": multiQuery.isEmpty
                ? .null : .object(multiQuery.mapValues(JSONValue.array)),
            "requestContext": [
                "accountId": .string(accountID), "apiId": .string(api.id),
                "domainName": .string(api.domainName(region: region)),
                "domainPrefix": .string(api.id), "extendedRequestId": .string(request.requestID),
                "httpMethod": .string(request.method),
                "identity": [
                    "accessKey": nil, "accountId": nil, "caller": nil, "cognitoAuthenticationProvider": nil,
                    "cognitoAuthenticationType": nil, "cognitoIdentityId": nil, "cognitoIdentityPoolId": nil,
                    "principalOrgId": nil, "sourceIp": .string(request.sourceIP), "user": nil,
                    "userAgent": .string(request.header("user-agent") ?? ""), "userArn": nil,
                ],
                "path": .string(path), "protocol": "HTTP/1.1", "requestId": .string(request.requestID),
                "requestTime": .string(request.clfTime), "requestTimeEpoch": .int(request.epochMillis),
                "resourceId": .string(match.key.description),
                "resourcePath": .string(resource), "stage": "$default",
            ],
            "pathParameters": match.pathParameters.isEmpty
                ? .null : .object(match.pathParameters.mapValues { .string(GatewayRequest.percentDecoded($0)) }),
            "stageVariables": nil, "body": body, "isBase64Encoded": .bool(base64),
        ]
    }

    /// The HTTP response; a 1.0 answer without a numeric `statusCode` is malformed (502).
    public static func response(
        _ payload: [UInt8],
        answer: JSONValue? = nil
    ) throws(MalformedResponse) -> GatewayResponse {
        guard let object = (answer ?? (try? JSONValue(parsing: payload)))?.objectValue else {
            throw MalformedResponse(reason: "the function's response is not a JSON object")
        }
        return try GatewayResponse.proxyResponse(object, cookies: false)
    }
}
