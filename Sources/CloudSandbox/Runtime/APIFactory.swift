import Foundation
import Logging
import SandboxAPIGateway
import SandboxAWSCore
import SandboxLambda
import SandboxLifecycle

/// Starts the topology's HTTP APIs, each on its own loopback address, in front of the Lambda service.
enum APIFactory {
    static func start(
        _ topology: Topology,
        lambda: LambdaService,
        block: LoopbackAddressBlock,
        account: AccountState,
        services: SandboxServices,
        clock: any SandboxClock,
        logger: Logger
    ) async throws -> [String: HTTPAPIServer] {
        var servers: [String: HTTPAPIServer] = [:]
        for (index, api) in (topology.apis ?? []).enumerated() {
            let definition = HTTPAPIDefinition(
                name: api.name,
                id: String((0..<10).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! }),
                routes: api.routes.map {
                    .init(
                        routeKey: $0.route,
                        function: $0.function,
                        payloadFormatVersion: $0.payloadFormatVersion ?? "2.0",
                        timeoutInMillis: $0.timeoutInMillis ?? 30_000
                    )
                }
            )
            // As SAM and the console do: each function an API routes to may be invoked by that API.
            for function in Set(api.routes.map(\.function)) {
                do throws(AWSError) {
                    try await lambda.addPermission(
                        function,
                        .init(
                            statementID: "apigateway-\(definition.id)",
                            principal: "apigateway.amazonaws.com",
                            sourceARN: "arn:aws:execute-api:\(account.region):\(account.accountID):\(definition.id)/*"
                        )
                    )
                } catch {
                    throw TopologyError(path: "apis[\(index)]", "\(error.code): \(error.message)")
                }
            }
            let server = try HTTPAPIServer(
                definition,
                lambda: lambda,
                host: try block.address(try NetworkPlan.apiHost(topology, index)),
                accountID: account.accountID,
                region: account.region,
                clock: clock,
                logger: logger
            )
            try await services.start(server, name: "HTTP API \(api.name)")
            logger.info(
                "HTTP API listening",
                metadata: ["apigw.api": "\(definition.name)", "apigw.url": "\(server.url)"]
            )
            servers[api.name] = server
        }
        return servers
    }

    /// The APIs as the apigatewayv2 API lists them.
    static func published(_ servers: [String: HTTPAPIServer]) -> [APIGatewayV2API.Published] {
        servers.values.sorted { $0.definition.name < $1.definition.name }.map {
            .init(definition: $0.definition, endpoint: $0.url)
        }
    }
}
