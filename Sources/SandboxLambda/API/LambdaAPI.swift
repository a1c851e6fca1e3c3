import Foundation
import SandboxAWSCore

/// The Lambda REST API (2015-03-31) on the AWS endpoint: Invoke, GetFunction, GetFunctionConfiguration,
/// ListFunctions, UpdateFunctionConfiguration and the concurrency calls, each authorized with IAM.
public struct LambdaAPI: RESTService {
    let service: LambdaService

    public init(service: LambdaService) {
        self.service = service
    }

    public func respond(to request: AWSRequest, call: AWSCall) async throws(AWSError) -> RESTResponse {
        let parts = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count >= 2, parts[1] == "functions" else { throw Self.unknown(request) }
        if parts.count == 2 {
            guard request.method == "GET" else { throw Self.unknown(request) }
            try call.authorize("lambda:ListFunctions", on: "*")
            var documents: [JSONValue] = []
            for name in await self.service.names { documents.append(try await self.service.configuration(of: name)) }
            return .json(JSONValue.object(["Functions": .array(documents)]))
        }
        let name = try await self.service.slotName(parts[2])
        let arn = await self.service.arn(of: name)
        switch (request.method, parts.count > 3 ? parts[3] : "") {
        case ("POST", "invocations"):
            return try await self.invoke(name, arn: arn, request: request, call: call)
        case ("GET", ""):
            try call.authorize("lambda:GetFunction", on: arn)
            var document: [String: JSONValue] = [
                "Configuration": try await self.service.configuration(of: name),
                "Code": ["RepositoryType": "S3", "Location": .string("\(request.header("host") ?? "")/code/\(name)")],
            ]
            if let reserved = try await self.service.reservedConcurrency(of: name) {
                document["Concurrency"] = ["ReservedConcurrentExecutions": .int(Int64(reserved))]
            }
            return .json(JSONValue.object(document))
        case ("GET", "configuration"):
            try call.authorize("lambda:GetFunctionConfiguration", on: arn)
            return .json(try await self.service.configuration(of: name))
        case ("PUT", "configuration"):
            try call.authorize("lambda:UpdateFunctionConfiguration", on: arn)
            let change = try Self.change(from: request)
            if let role = change.roleARN { try call.authorize("iam:PassRole", on: role) }
            return .json(try await self.service.update(name, change))
        case ("PUT", "concurrency"):
            try call.authorize("lambda:PutFunctionConcurrency", on: arn)
            guard let value = try Self.body(request)["ReservedConcurrentExecutions"]?.intValue else {
                throw AWSError.missingParameter("ReservedConcurrentExecutions")
            }
            try await self.service.setReservedConcurrency(name, value)
            return .json(["ReservedConcurrentExecutions": value])
        case ("GET", "concurrency"):
            try call.authorize("lambda:GetFunctionConcurrency", on: arn)
            let reserved = try await self.service.reservedConcurrency(of: name)
            return .json(reserved.map { ["ReservedConcurrentExecutions": $0] } ?? [String: Int]())
        case ("GET", "policy"):
            try call.authorize("lambda:GetPolicy", on: arn)
            guard let policy = try await self.service.policy(of: name) else {
                throw AWSError(.resourceNotFoundException, "The resource you requested does not exist.")
            }
            return .json(["Policy": policy, "RevisionId": UUID().uuidString.lowercased()])
        case ("POST", "policy"):
            try call.authorize("lambda:AddPermission", on: arn)
            let body = try Self.body(request)
            guard let sid = body["StatementId"]?.stringValue, let action = body["Action"]?.stringValue,
                let principal = body["Principal"]?.stringValue
            else {
                throw AWSError.missingParameter("StatementId, Action and Principal")
            }
            let permission = LambdaService.Permission(
                statementID: sid,
                action: action,
                principal: principal,
                sourceARN: body["SourceArn"]?.stringValue
            )
            try await self.service.addPermission(name, permission)
            let statement = LambdaService.document([permission], resource: arn)["Statement"].flatMap {
                if case let .array(s) = $0 { s.first } else { nil }
            }
            return RESTResponse(
                status: 201,
                headers: [("Content-Type", "application/json")],
                body: (["Statement": .string(statement?.text ?? "{}")] as JSONValue).bytes
            )
        case ("DELETE", let sub) where sub == "policy" && parts.count == 5:
            try call.authorize("lambda:RemovePermission", on: arn)
            try await self.service.removePermission(name, statementID: parts[4])
            return RESTResponse(status: 204)
        case ("DELETE", "concurrency"):
            try call.authorize("lambda:DeleteFunctionConcurrency", on: arn)
            try await self.service.setReservedConcurrency(name, nil)
            return RESTResponse(status: 204)
        default:
            throw Self.unknown(request)
        }
    }

    private func invoke(
        _ name: String,
        arn: String,
        request: AWSRequest,
        call: AWSCall
    ) async throws(AWSError) -> RESTResponse {
        try call.authorize("lambda:InvokeFunction", on: arn)
        let typeName = request.header("x-amz-invocation-type") ?? "RequestResponse"
        guard let type = InvocationType(rawValue: typeName) else {
            throw AWSError(
                .invalidParameterValueException,
                "Unsupported invocation type \(typeName): use RequestResponse, Event or DryRun"
            )
        }
        let result = try await self.service.invoke(
            name,
            payload: request.body,
            type: type,
            tail: request.header("x-amz-log-type") == "Tail"
        )
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Amz-Executed-Version", "$LATEST"),
        ]
        if let error = result.functionError { headers.append(("X-Amz-Function-Error", error)) }
        if let log = result.logResult { headers.append(("X-Amz-Log-Result", log)) }
        return RESTResponse(status: result.status, headers: headers, body: result.payload)
    }

    static func change(from request: AWSRequest) throws(AWSError) -> LambdaService.ConfigurationChange {
        let body = try Self.body(request)
        var change = LambdaService.ConfigurationChange()
        change.roleARN = body["Role"]?.stringValue
        change.timeout = body["Timeout"]?.intValue.map(Double.init)
        change.memorySize = body["MemorySize"]?.intValue
        change.handler = body["Handler"]?.stringValue
        if let variables = body["Environment"]?["Variables"]?.objectValue {
            change.environment = variables.compactMapValues(\.stringValue)
        }
        if let vpc = body["VpcConfig"] {
            let subnets = Self.strings(vpc["SubnetIds"])
            let groups = Self.strings(vpc["SecurityGroupIds"])
            change.vpc = .some(
                subnets.isEmpty ? nil : FunctionDefinition.VPCConfig(subnetIDs: subnets, securityGroupIDs: groups)
            )
        }
        return change
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        if case let .array(items)? = value { return items.compactMap(\.stringValue) }
        return []
    }

    private static func body(_ request: AWSRequest) throws(AWSError) -> JSONValue {
        guard !request.body.isEmpty else { return [:] }
        guard let value = try? JSONValue(parsing: request.body), value.objectValue != nil else {
            throw AWSError(
                .invalidRequestContentException,
                "Could not parse request body into json: the body is not a JSON object"
            )
        }
        return value
    }

    private static func unknown(_ request: AWSRequest) -> AWSError {
        AWSError(
            .unknownOperationException,
            "Lambda has no operation \(request.method) \(request.path) in this sandbox "
                + "(Invoke, GetFunction, GetFunctionConfiguration, ListFunctions, UpdateFunctionConfiguration, "
                + "Put/Get/DeleteFunctionConcurrency, "
                + "AddPermission, RemovePermission, GetPolicy)",
            status: 404
        )
    }
}
