import Foundation
import SandboxTopology

/// Lambda and SAM functions (code, role, policies, VPC, HttpApi events) and HTTP APIs (SAM's and ApiGatewayV2's).
extension CloudFormationImporter {
    mutating func mapCompute(_ item: Item) throws {
        let properties = try item.properties()
        let name = try item.name()
        let path = "Resources.\(item.id).Properties"
        switch item.type {
        case "AWS::Lambda::Function", "AWS::Serverless::Function":
            let sam = item.type == "AWS::Serverless::Function"
            let role: String
            if let given = properties["Role"]?.string {
                role = Self.roleName(given)
            } else if sam {
                role = try self.samRole(for: item, properties)
            } else {
                throw item.stack.error(path, "a Lambda function needs Role")
            }
            let vpc = properties["VpcConfig"].flatMap { config -> Topology.Function.VPC? in
                let subnets = config["SubnetIds"]?.strings ?? []
                let groups = config["SecurityGroupIds"]?.strings ?? []
                return subnets.isEmpty ? nil : .init(subnets: subnets, securityGroups: groups)
            }
            let codeKey = sam ? "CodeUri" : "Code"
            var function = Topology.Function(
                name: name,
                runtime: properties["Runtime"]?.string,
                handler: properties["Handler"]?.string,
                memorySize: properties["MemorySize"]?.int,
                timeout: properties["Timeout"].flatMap { $0.string.flatMap(Double.init) },
                role: role,
                environment: properties["Environment"]?["Variables"]?.map?.compactMapValues(\.string),
                vpc: vpc,
                reservedConcurrency: properties["ReservedConcurrentExecutions"]?.int
            )
            FunctionCode.bind(
                &function,
                logicalId: item.id,
                code: properties[codeKey] ?? (properties["InlineCode"].map { _ in .string("(inline)") }),
                directory: item.stack.file.deletingLastPathComponent()
            )
            self.builder.addFunction(function, from: item.label)
            if let vpc { self.functionPlacements.append((name, vpc)) }
            for (event, definition) in (properties["Events"]?.map ?? [:]).sorted(by: { $0.key < $1.key }) {
                try self.mapEvent(event, definition, function: name, item: item)
            }
            self.unread(
                item,
                properties,
                read: [
                    "FunctionName", "Runtime", "Handler", "MemorySize", "Timeout", "Role", "Environment", "VpcConfig",
                    "ReservedConcurrentExecutions", "Code", "CodeUri", "InlineCode", "Events", "Policies",
                    "Architectures", "Tracing", "Layers", "AutoPublishAlias", "PackageType", "Tags",
                ]
            )
        case "AWS::Lambda::Permission":
            return  // API Gateway's permission to invoke: the sandbox's APIs invoke their functions without it
        case "AWS::Serverless::HttpApi":
            self.builder.addAPI(
                name,
                name: properties["Name"]?.string ?? item.label.replacingOccurrences(of: ".", with: "-")
            )
            if let stage = properties["StageName"]?.string, stage != "$default" {
                self.session.warn(
                    item.label,
                    item.type,
                    "stage \(stage) is served as $default (the sandbox serves one stage per API, at its root)"
                )
            }
            self.unread(item, properties, read: ["Name", "StageName", "CorsConfiguration", "Description"])
        case "AWS::ApiGatewayV2::Api":
            guard properties["ProtocolType"]?.string ?? "HTTP" == "HTTP" else {
                self.session.warn(
                    item.label,
                    item.type,
                    "ProtocolType \(properties["ProtocolType"]?.string ?? "") is not modelled (HTTP is); the API "
                        + "is left out"
                )
                return
            }
            self.builder.addAPI(name, name: properties["Name"]?.string ?? item.id)
            if let target = properties["Target"]?.string, let function = Self.functionName(fromURI: target) {
                self.builder.addRoute(
                    .init(route: properties["RouteKey"]?.string ?? "$default", function: function),
                    to: name,
                    from: item.label,
                    type: item.type
                )
            }
            self.unread(item, properties, read: ["Name", "ProtocolType", "Target", "RouteKey", "CorsConfiguration"])
        case "AWS::ApiGatewayV2::Integration":
            guard let uri = properties["IntegrationUri"]?.string, let function = Self.functionName(fromURI: uri) else {
                self.session.warn(
                    item.label,
                    item.type,
                    "only AWS_PROXY integrations with a Lambda function are modelled; this one is left out"
                )
                return
            }
            self.integrations[name] = .init(
                route: "",
                function: function,
                payloadFormatVersion: properties["PayloadFormatVersion"]?.string,
                timeoutInMillis: properties["TimeoutInMillis"]?.int
            )
            self.unread(
                item,
                properties,
                read: [
                    "ApiId", "IntegrationType", "IntegrationUri", "IntegrationMethod", "PayloadFormatVersion",
                    "TimeoutInMillis",
                ]
            )
        case "AWS::ApiGatewayV2::Route":
            guard let api = properties["ApiId"]?.string, let key = properties["RouteKey"]?.string else {
                throw item.stack.error(path, "a route needs ApiId and RouteKey")
            }
            let target = properties["Target"]?.string ?? ""
            self.pendingRoutes.append(
                (
                    api, key, String(target.dropFirst(target.hasPrefix("integrations/") ? "integrations/".count : 0)),
                    item.label
                )
            )
            if let authorization = properties["AuthorizationType"]?.string, authorization != "NONE" {
                self.session.warn(
                    item.label,
                    item.type,
                    "AuthorizationType \(authorization) is not enforced by the sandbox"
                )
            }
            self.unread(item, properties, read: ["ApiId", "RouteKey", "Target", "AuthorizationType"])
        default:  // AWS::ApiGatewayV2::Stage
            if let stage = properties["StageName"]?.string, stage != "$default" {
                self.session.warn(
                    item.label,
                    item.type,
                    "stage \(stage) is served as $default (the sandbox serves one stage per API, at its root)"
                )
            }
        }
    }

    /// SAM's HttpApi events become routes; other event sources are listed as warnings.
    private mutating func mapEvent(_ event: String, _ definition: TemplateValue, function: String, item: Item) throws {
        guard definition["Type"]?.string == "HttpApi" else {
            self.session.warn(
                "\(item.label).Events.\(event)",
                definition["Type"]?.string ?? "event",
                "this event source is not modelled; only HttpApi events are"
            )
            return
        }
        let properties = definition["Properties"] ?? .map([:])
        let api = try properties["ApiId"]?.string ?? item.stack.physicalName("ServerlessHttpApi")
        if properties["ApiId"] == nil {
            self.builder.addAPI(
                api,
                name: item.stack.prefix.replacingOccurrences(of: ".", with: "-") + "ServerlessHttpApi"
            )
        }
        let key: String
        if let method = properties["Method"]?.string, let route = properties["Path"]?.string {
            key = "\(method.uppercased() == "ANY" ? "ANY" : method.uppercased()) \(route)"
        } else {
            key = "$default"
        }
        guard self.builder.hasAPI(api) else {
            throw item.stack.error(
                "Resources.\(item.id).Properties.Events.\(event).Properties.ApiId",
                "names no AWS::Serverless::HttpApi of the template"
            )
        }
        self.builder.addRoute(
            .init(
                route: key,
                function: function,
                payloadFormatVersion: properties["PayloadFormatVersion"]?.string,
                timeoutInMillis: properties["TimeoutInMillis"]?.int
            ),
            to: api,
            from: item.label,
            type: item.type
        )
    }

    /// The role SAM creates for a function without `Role`: Lambda's trust, AWSLambdaBasicExecutionRole (and the
    /// VPC access one in a VPC), and the function's `Policies` (managed names or ARNs, policy templates, documents).
    private mutating func samRole(for item: Item, _ properties: [String: TemplateValue]) throws -> String {
        let role = try item.stack.physicalName("\(item.id)Role")
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
            + #""Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        self.builder.addRole(.init(name: role, trustPolicy: JSONText(trust)))
        let session = self.session
        let warn = { (message: String) in session.warn(item.label, item.type, message) }
        var managed = ["AWSLambdaBasicExecutionRole"]
        if properties["VpcConfig"] != nil { managed.append("AWSLambdaVPCAccessExecutionRole") }
        for name in managed { self.builder.attach(AWSManagedPolicies.arn(name)!, to: role, warn: warn) }
        for (index, policy) in (properties["Policies"]?.items ?? []).enumerated() {
            if let name = policy.string {
                self.builder.attach(
                    name.hasPrefix("arn:") ? name : AWSManagedPolicies.arn(name) ?? "arn:aws:iam::aws:policy/\(name)",
                    to: role,
                    warn: warn
                )
            } else if policy["Statement"] != nil {
                self.builder.changeRole(role) {
                    $0.policies = ($0.policies ?? [:]).merging(["\(item.id)Policy\(index)": Self.document(policy)]) {
                        $1
                    }
                }
            } else if let (template, parameters) = policy.map?.first {
                guard
                    let document = SAMPolicyTemplates.document(
                        template,
                        parameters,
                        region: self.session.region,
                        account: self.session.accountId
                    )
                else {
                    warn("the SAM policy template \(template) is not modelled; the role does not get its permissions")
                    continue
                }
                self.builder.changeRole(role) {
                    $0.policies = ($0.policies ?? [:]).merging(["\(item.id)\(template)": JSONText(document)]) { $1 }
                }
            }
        }
        return role
    }

    /// A function's name from its ARN, or from API Gateway's invocation URI for it.
    static func functionName(fromURI uri: String) -> String? {
        guard let range = uri.range(of: ":function:") else { return nil }
        let rest = uri[range.upperBound...]
        return rest.split(whereSeparator: { $0 == "/" || $0 == ":" }).first.map(String.init)
    }
}
