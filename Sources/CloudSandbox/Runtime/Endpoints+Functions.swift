import SandboxAPIGateway
import SandboxLambda
import SandboxVirtualNetwork

extension Endpoints {
    /// Adds the functions and APIs.
    mutating func describe(_ lambda: LambdaService, apis: [String: HTTPAPIServer], model: NetworkModel?) async {
        var functions: [String: Function] = [:]
        for (name, definition) in await lambda.functions {
            functions[name] = Function(
                arn: await lambda.arn(of: name),
                role: definition.roleARN,
                kind: definition.code.kind,
                eni: definition.vpc == nil ? nil : model?.eni(owner: name).map(Interface.init)
            )
        }
        self.functions = functions.isEmpty ? nil : functions
        self.apis =
            apis.isEmpty
            ? nil
            : apis.mapValues { server in
                API(
                    url: server.url,
                    id: server.definition.id,
                    endpoint: server.definition.domainName(region: self.aws?.region ?? "us-east-1"),
                    routes: server.definition.routes.map(\.routeKey)
                )
            }
    }
}
