import Foundation
import SandboxAWSCore
import SandboxLambda

/// The read side of the apigatewayv2 REST API (GetApis, GetApi, GetRoutes, GetStages, GetIntegrations) on the
/// AWS endpoint, in its lower-camel-case wire shape.
public struct APIGatewayV2API: RESTService {
    /// An API with where it listens.
    public struct Published: Sendable {
        public var definition: HTTPAPIDefinition
        public var endpoint: String
        public var created: Date
        public init(definition: HTTPAPIDefinition, endpoint: String, created: Date = Date()) {
            self.definition = definition
            self.endpoint = endpoint
            self.created = created
        }
    }

    let apis: [Published]
    let region: String
    let accountID: String

    public init(apis: [Published], region: String, accountID: String) {
        self.apis = apis
        self.region = region
        self.accountID = accountID
    }

    public func respond(to request: AWSRequest, call: AWSCall) async throws(AWSError) -> RESTResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        guard request.method == "GET", parts.count >= 2, parts[0] == "v2", parts[1] == "apis" else {
            throw AWSError(
                .notFoundException,
                "apigatewayv2 \(request.method) \(request.path) is not served here (GetApis, GetApi, GetRoutes, "
                    + "GetStages, GetIntegrations)"
            )
        }
        try call.authorize(
            "apigateway:GET",
            on: "arn:aws:apigateway:\(self.region)::/" + parts.dropFirst().joined(separator: "/")
        )
        if parts.count == 2 { return .json(JSONValue.object(["items": .array(self.apis.map(self.document))])) }
        guard let api = self.apis.first(where: { $0.definition.id == parts[2] }) else {
            throw AWSError(.notFoundException, "Invalid API identifier specified \(self.accountID):\(parts[2])")
        }
        switch parts.count > 3 ? parts[3] : "" {
        case "": return .json(self.document(api))
        case "routes": return .json(JSONValue.object(["items": .array(Self.routes(api.definition))]))
        case "stages":
            return .json(
                ["items": [["stageName": "$default", "autoDeploy": true, "apiGatewayManaged": false]]] as JSONValue
            )
        case "integrations": return .json(JSONValue.object(["items": .array(self.integrations(api.definition))]))
        default: throw AWSError(.notFoundException, "Unknown resource \(parts[3])")
        }
    }

    private func document(_ api: Published) -> JSONValue {
        [
            "apiId": .string(api.definition.id), "name": .string(api.definition.name), "protocolType": "HTTP",
            "apiEndpoint": .string(api.endpoint), "routeSelectionExpression": "$request.method $request.path",
            "apiKeySelectionExpression": "$request.header.x-api-key", "disableExecuteApiEndpoint": false,
            "createdDate": .string(AWSTimestamp.string(api.created, fractionalSeconds: false)),
        ]
    }

    static func routeID(_ index: Int) -> String { "r" + String(format: "%06x", (index + 1) &* 0x9E3779 & 0xFFFFFF) }
    static func integrationID(_ index: Int) -> String {
        "i" + String(format: "%06x", (index + 1) &* 0x7F4A7C & 0xFFFFFF)
    }

    private static func routes(_ definition: HTTPAPIDefinition) -> [JSONValue] {
        definition.routes.enumerated().map { index, route in
            [
                "routeId": .string(Self.routeID(index)), "routeKey": .string(route.routeKey),
                "target": .string("integrations/\(Self.integrationID(index))"),
                "authorizationType": "NONE", "apiKeyRequired": false,
            ]
        }
    }

    private func integrations(_ definition: HTTPAPIDefinition) -> [JSONValue] {
        definition.routes.enumerated().map { index, route in
            [
                "integrationId": .string(Self.integrationID(index)), "integrationType": "AWS_PROXY",
                "integrationMethod": "POST",
                "integrationUri": .string("arn:aws:lambda:\(self.region):\(self.accountID):function:\(route.function)"),
                "payloadFormatVersion": .string(route.payloadFormatVersion),
                "timeoutInMillis": .int(Int64(route.timeoutInMillis)),
                "connectionType": "INTERNET",
            ]
        }
    }
}
