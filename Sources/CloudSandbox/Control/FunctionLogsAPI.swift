import Foundation
import Hummingbird
import SandboxAWSCore
import SandboxFakeAWS
import SandboxLambda

/// `GET /sandbox/functions` and `GET /sandbox/functions/NAME/logs` on the AWS endpoint's port: each function's
/// kind, role and placement, and its latest log lines (START, what the code printed, END, REPORT), as
/// `sandbox logs` prints them. Never the environment: it holds the role's session credentials.
struct FunctionLogsAPI: Sendable {
    let lambda: LambdaService

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/functions") { _, _ in
            var functions: [String: FunctionSummary] = [:]
            for (name, definition) in await self.lambda.functions {
                let placement = await self.lambda.placement(of: name)
                functions[name] = FunctionSummary(
                    kind: definition.code.kind,
                    role: definition.roleARN,
                    timeout: definition.timeout,
                    eni: placement?.eniID,
                    vpc: placement?.vpcID ?? "outside every VPC"
                )
            }
            return Response.json(functions)
        }
        router.get("/sandbox/functions/:name/logs") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard await self.lambda.functions[name] != nil else {
                return Response.json(ControlMessage(message: "no function '\(name)'"), status: .notFound)
            }
            return Response.json(FunctionLogs(function: name, lines: await self.lambda.logs(of: name)))
        }
    }
}
