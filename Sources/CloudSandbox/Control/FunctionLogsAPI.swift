import AWSCore
import FakeAWS
import Foundation
import Hummingbird
import Lambda

/// `GET /sandbox/functions` and `GET /sandbox/functions/NAME/logs` on the AWS endpoint's port: each function's
/// kind, role and placement, and its latest log lines (START, what the code printed, END, REPORT), as
/// `sandbox logs` prints them. Never the environment: it holds the role's session credentials.
struct FunctionLogsAPI: Sendable {
    let lambda: LambdaService

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/functions") { _, _ in
            var functions: [String: Any] = [:]
            for (name, definition) in await self.lambda.functions {
                let placement = await self.lambda.placement(of: name)
                functions[name] = ["kind": definition.code.kind, "role": definition.roleARN, "timeout": definition.timeout,
                                   "eni": placement?.eniID ?? NSNull(), "vpc": placement?.vpcID ?? "outside every VPC"] as [String: Any]
            }
            return Response.json(functions, pretty: true)
        }
        router.get("/sandbox/functions/:name/logs") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard await self.lambda.functions[name] != nil else {
                return Response.json(["message": "no function '\(name)'"], status: .notFound, pretty: true)
            }
            return Response.json(["function": name, "lines": await self.lambda.logs(of: name)], pretty: true)
        }
    }
}
