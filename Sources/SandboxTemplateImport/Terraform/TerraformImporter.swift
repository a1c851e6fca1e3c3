import Foundation
import SandboxAWSCore
import SandboxTopology
import SandboxVirtualNetwork

/// Turns `terraform show -json` output (state, or a plan: `TerraformPlan` resolves what is known only after apply)
/// into a topology. Values in state are concrete, so ids and ARNs are kept as Terraform recorded them (secret ARN
/// suffixes, `prx-` ids, key ids), and endpoints the functions were given are rewritten to the sandbox's own.
struct TerraformImporter {
    struct Resource {
        var address: String
        var type: String
        var values: TemplateValue
        func string(_ key: String) -> String? { self.values[key]?.string }
        func strings(_ key: String) -> [String] { self.values[key]?.strings ?? [] }
        /// A nested block (`auth`, `vpc_config`): Terraform writes them as lists of one object.
        func block(_ key: String) -> TemplateValue? {
            self.values[key]?.list?.first ?? self.values[key]?.map.map(TemplateValue.map)
        }
    }

    let file: URL
    var builder: TopologyBuilder
    var warnings: [ImportWarning] = []
    var functionPlacements: [(name: String, vpc: Topology.Function.VPC)] = []
    private var archives: [String: String] = [:]
    private var integrations: [String: Topology.API.Route] = [:]
    /// Endpoint names Terraform recorded → the sandbox's placeholders for them.
    private var endpoints: [String: String] = [:]

    static func isTerraform(_ document: TemplateValue) -> Bool {
        document["format_version"] != nil && (document["values"] != nil || document["planned_values"] != nil)
    }

    init(file: URL, region: String) {
        self.file = file
        self.builder = TopologyBuilder(region: region, accountId: "123456789012")
    }

    mutating func importDocument(_ document: TemplateValue) throws -> Topology {
        var document = document
        if TerraformPlan.isPlan(document) {
            if let region = TerraformPlan.providerRegion(document) { self.builder.topology.region = region }
            var plan = TerraformPlan(
                region: self.builder.topology.region,
                accountId: self.builder.topology.accountId ?? "123456789012"
            )
            document = plan.stateDocument(from: document)
            self.warnings += plan.warnings
        }
        guard let root = document["values"]?["root_module"] else {
            throw ImportError(
                file: self.file.path,
                path: "values.root_module",
                "is missing; give `terraform show -json` output of a state or a plan"
            )
        }
        var resources: [Resource] = []
        func collect(_ module: TemplateValue) {
            for resource in module["resources"]?.items ?? [] {
                guard let type = resource["type"]?.string else { continue }
                if resource["mode"]?.string == "data" {
                    if type == "archive_file", let output = resource["values"]?["output_path"]?.string,
                        let source = resource["values"]?["source_dir"]?.string
                    {
                        self.archives[output] = source
                    }
                    continue
                }
                resources.append(
                    Resource(
                        address: resource["address"]?.string ?? type,
                        type: type,
                        values: resource["values"] ?? .map([:])
                    )
                )
            }
            for child in module["child_modules"]?.items ?? [] { collect(child) }
        }
        collect(root)
        if let arn = resources.lazy.compactMap({ $0.string("arn") }).first(where: { $0.split(separator: ":").count > 4 }
        ) {
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
            if parts[3].count > 0 { self.builder.topology.region = String(parts[3]) }
            if parts[4].count == 12 { self.builder.topology.accountId = String(parts[4]) }
        }
        let rank = { (type: String) in Self.ranks.firstIndex(of: type) ?? Self.ranks.count }
        for resource in resources.enumerated().sorted(by: {
            (rank($0.element.type), $0.offset) < (rank($1.element.type), $1.offset)
        }).map(\.element) {
            try self.map(resource)
        }
        return self.finish()
    }

    static let ranks = [
        "aws_vpc", "aws_subnet", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule", "aws_kms_key", "aws_kms_alias", "aws_iam_role", "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment", "aws_db_subnet_group", "aws_rds_cluster", "aws_rds_cluster_instance",
        "aws_db_instance",
        "aws_secretsmanager_secret", "aws_secretsmanager_secret_version", "aws_db_proxy",
        "aws_db_proxy_default_target_group",
        "aws_db_proxy_target", "aws_db_proxy_endpoint", "aws_lambda_function", "aws_apigatewayv2_api",
        "aws_apigatewayv2_integration", "aws_apigatewayv2_route",
        "aws_apigatewayv2_stage",
    ]

    private mutating func warn(_ resource: Resource, _ message: String, breaksAPath: Bool = false) {
        self.warnings.append(
            ImportWarning(resource: resource.address, type: resource.type, message, breaksAPath: breaksAPath)
        )
    }

    private func error(_ resource: Resource, _ reason: String) -> ImportError {
        ImportError(file: self.file.path, path: resource.address, reason)
    }

    private mutating func map(_ r: Resource) throws {
        switch r.type {
        case "aws_vpc":
            self.builder.addVPC(r.string("id") ?? r.address, cidr: r.string("cidr_block") ?? "10.0.0.0/16")
        case "aws_subnet":
            guard let vpc = r.string("vpc_id"), let cidr = r.string("cidr_block") else {
                throw self.error(r, "a subnet needs vpc_id and cidr_block")
            }
            self.builder.addSubnet(r.string("id") ?? r.address, vpc: vpc, cidr: cidr, az: r.string("availability_zone"))
        case "aws_security_group":
            let id = r.string("id") ?? r.address
            let ingress = (r.values["ingress"]?.items ?? []).flatMap { Self.rules($0, group: id, ingress: true) }
            let egress = r.values["egress"].map { $0.items.flatMap { Self.rules($0, group: id, ingress: false) } }
            self.builder.addSecurityGroup(id, vpc: r.string("vpc_id"), ingress: ingress, egress: egress)
        case "aws_security_group_rule":
            guard let group = r.string("security_group_id") else {
                throw self.error(r, "a rule needs security_group_id")
            }
            let ingress = r.string("type") != "egress"
            for rule in Self.rules(r.values, group: group, ingress: ingress) {
                self.builder.addRule(to: group, ingress: ingress, rule)
            }
        case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
            guard let group = r.string("security_group_id"),
                let peer = r.string("referenced_security_group_id") ?? r.string("cidr_ipv4")
            else {
                throw self.error(r, "a rule needs security_group_id and referenced_security_group_id or cidr_ipv4")
            }
            let ingress = r.type.contains("ingress")
            self.builder.addRule(
                to: group,
                ingress: ingress,
                .init(
                    protocol: CloudFormationImporter.ipProtocol(r.string("ip_protocol")),
                    ports: CloudFormationImporter.ports(from: r.values["from_port"]?.int, to: r.values["to_port"]?.int),
                    source: ingress ? peer : nil,
                    destination: ingress ? nil : peer
                )
            )
        case "aws_kms_key":
            let id = r.string("key_id") ?? r.address
            self.builder.addKey(
                .init(
                    alias: "tf-\(id.prefix(8))",
                    description: r.string("description"),
                    policy: r.string("policy").map { JSONText($0) },
                    keyId: id
                )
            )
        case "aws_kms_alias":
            if let target = r.string("target_key_id"), let name = r.string("name") {
                self.builder.renameKey(target, alias: String(name.dropFirst("alias/".count)))
            }
        case "aws_iam_role":
            guard let name = r.string("name"), let trust = r.string("assume_role_policy") else {
                throw self.error(r, "a role needs name and assume_role_policy")
            }
            var inline: [String: JSONText] = [:]
            for policy in r.values["inline_policy"]?.items ?? [] {
                if let policyName = policy["name"]?.string, let document = policy["policy"]?.string, !document.isEmpty {
                    inline[policyName] = JSONText(document)
                }
            }
            self.builder.addRole(
                .init(
                    name: name,
                    trustPolicy: JSONText(trust),
                    policies: inline.isEmpty ? nil : inline,
                    maxSessionDuration: r.values["max_session_duration"]?.int
                )
            )
            for arn in r.strings("managed_policy_arns") {
                self.builder.attach(arn, to: name) {
                    self.warnings.append(.init(resource: r.address, type: r.type, $0))
                }
            }
        case "aws_iam_policy":
            guard let name = r.string("name"), let document = r.string("policy") else {
                throw self.error(r, "a policy needs name and policy")
            }
            self.builder.addManagedPolicy(name, document: document)
        case "aws_iam_role_policy":
            guard let role = r.string("role"), let name = r.string("name"), let document = r.string("policy") else {
                throw self.error(r, "needs role, name and policy")
            }
            self.builder.changeRole(CloudFormationImporter.roleName(role)) {
                $0.policies = ($0.policies ?? [:]).merging([name: JSONText(document)]) { $1 }
            }
        case "aws_iam_role_policy_attachment":
            guard let role = r.string("role"), let arn = r.string("policy_arn") else {
                throw self.error(r, "needs role and policy_arn")
            }
            let name = CloudFormationImporter.roleName(role)
            if self.builder.role(name)?.managedPolicies?.contains(
                arn.split(separator: "/").last.map(String.init) ?? arn
            ) != true {
                self.builder.attach(arn, to: name) {
                    self.warnings.append(.init(resource: r.address, type: r.type, $0))
                }
            }
        case "aws_db_subnet_group":
            self.builder.addSubnetGroup(r.string("name") ?? r.address, subnets: r.strings("subnet_ids"))
        case "aws_rds_cluster":
            guard let id = r.string("cluster_identifier"), let user = r.string("master_username") else {
                throw self.error(r, "needs cluster_identifier and master_username")
            }
            guard let engine = RDSEngine.cluster(r.string("engine")) else {
                return self.warn(r, "engine \(r.string("engine") ?? "") \(RDSEngine.notModelled); it is left out")
            }
            self.builder.addCluster(
                .init(
                    id: id,
                    engine: engine,
                    engineVersion: r.string("engine_version"),
                    users: [.init(name: user, password: r.string("master_password") ?? "")],
                    databases: r.string("database_name").map { [$0] },
                    instances: []
                ),
                subnetGroup: r.string("db_subnet_group_name"),
                securityGroups: r.strings("vpc_security_group_ids").nilIfEmpty
            )
            for key in ["endpoint", "reader_endpoint"] {
                if let name = r.string(key) { self.endpoints[name] = "${database:\(id)}" }
            }
        case "aws_rds_cluster_instance":
            guard let id = r.string("identifier"), let cluster = r.string("cluster_identifier"),
                self.builder.hasCluster(cluster)
            else {
                throw self.error(r, "names no aws_rds_cluster of the state")
            }
            self.builder.addMember(id, to: cluster)
        case "aws_db_instance":
            guard let id = r.string("identifier"), let user = r.string("username") else {
                throw self.error(r, "needs identifier and username")
            }
            guard let engine = RDSEngine.instance(r.string("engine")) else {
                return self.warn(r, "engine \(r.string("engine") ?? "") \(RDSEngine.notModelled); it is left out")
            }
            if r.string("password") == nil {
                self.warn(
                    r,
                    "the state holds no password (manage_master_user_password?); the master user gets an empty one"
                )
            }
            self.builder.topology.databases.append(
                .init(
                    id: id,
                    engine: engine,
                    engineVersion: r.string("engine_version"),
                    users: [.init(name: user, password: r.string("password") ?? "")],
                    databases: r.string("db_name").map { [$0] },
                    subnet: self.builder.firstSubnet(ofGroup: r.string("db_subnet_group_name")),
                    securityGroups: r.values["vpc_security_group_ids"]?.strings,
                    iamDatabaseAuthentication: engine == .postgres
                        ? r.values["iam_database_authentication_enabled"]?.bool : nil
                )
            )
            if let address = r.string("address") { self.endpoints[address] = "${database:\(id)}" }
        case "aws_secretsmanager_secret":
            guard let name = r.string("name"), let arn = r.string("arn") else {
                throw self.error(r, "needs name and arn")
            }
            let suffix = arn.split(separator: "-").last.map(String.init).flatMap { $0.count == 6 ? $0 : nil }
            self.builder.addSecret(
                .init(
                    name: name,
                    description: r.string("description"),
                    kmsKey: r.string("kms_key_id"),
                    value: JSONText("{}"),
                    arnSuffix: suffix
                ),
                arn: arn
            )
        case "aws_secretsmanager_secret_version":
            guard let secret = r.string("secret_id"), let value = r.string("secret_string") else {
                self.warn(
                    r,
                    "the state holds no secret_string (it is in secret_binary or not known yet); the secret stays empty"
                )
                return
            }
            self.builder.changeSecret(arn: secret) { $0.value = JSONText(value) }
        case "aws_db_proxy":
            try self.mapProxy(r)
        case "aws_db_proxy_default_target_group":
            guard let name = r.string("db_proxy_name"), self.builder.hasProxy(name) else {
                throw self.error(r, "names no aws_db_proxy of the state")
            }
            let pool = r.block("connection_pool_config")
            self.builder.changeProxy(name) { proxy in
                proxy.targetGroup = pool.map {
                    .init(
                        maxConnectionsPercent: $0["max_connections_percent"]?.int,
                        maxIdleConnectionsPercent: $0["max_idle_connections_percent"]?.int,
                        connectionBorrowTimeout: $0["connection_borrow_timeout"]?.int,
                        initQuery: $0["init_query"]?.string.flatMap { $0.isEmpty ? nil : $0 },
                        sessionPinningFilters: $0["session_pinning_filters"]?.strings.nilIfEmpty
                    )
                }
            }
        case "aws_db_proxy_target":
            guard let name = r.string("db_proxy_name"), self.builder.hasProxy(name),
                let target = r.string("db_cluster_identifier") ?? r.string("db_instance_identifier")
            else {
                throw self.error(r, "names no aws_db_proxy of the state, or no instance or cluster")
            }
            self.builder.changeProxy(name) { $0.target = target }
        case "aws_db_proxy_endpoint":
            guard let proxy = r.string("db_proxy_name"), self.builder.hasProxy(proxy),
                let name = r.string("db_proxy_endpoint_name")
            else {
                throw self.error(r, "names no aws_db_proxy of the state, or has no db_proxy_endpoint_name")
            }
            let role = try r.string("target_role").map { text in
                guard let role = DBProxyEndpointTargetRole(rawValue: text) else {
                    throw self.error(r, "target_role '\(text)' is not READ_WRITE or READ_ONLY")
                }
                return role
            }
            self.builder.changeProxy(proxy) { proxy in
                proxy.endpoints =
                    (proxy.endpoints ?? []) + [
                        .init(
                            name: name,
                            targetRole: role,
                            subnets: r.strings("vpc_subnet_ids").nilIfEmpty,
                            securityGroups: r.strings("vpc_security_group_ids").nilIfEmpty
                        )
                    ]
            }
            if let endpoint = r.string("endpoint") { self.endpoints[endpoint] = "${proxy:\(name)}" }
        case "aws_lambda_function":
            try self.mapFunction(r)
        case "aws_apigatewayv2_api":
            guard r.string("protocol_type") ?? "HTTP" == "HTTP", let id = r.string("id") else {
                self.warn(r, "only HTTP APIs are modelled; this one is left out")
                return
            }
            self.builder.addAPI(id, name: r.string("name") ?? id)
        case "aws_apigatewayv2_integration":
            guard let id = r.string("id"),
                let function = r.string("integration_uri").flatMap(CloudFormationImporter.functionName(fromURI:))
            else {
                self.warn(r, "only AWS_PROXY integrations with a Lambda function are modelled; this one is left out")
                return
            }
            self.integrations[id] = .init(
                route: "",
                function: function,
                payloadFormatVersion: r.string("payload_format_version"),
                timeoutInMillis: r.values["timeout_milliseconds"]?.int
            )
        case "aws_apigatewayv2_route":
            guard let api = r.string("api_id"), let key = r.string("route_key"),
                var route = r.string("target").flatMap({
                    self.integrations[$0.hasPrefix("integrations/") ? String($0.dropFirst("integrations/".count)) : $0]
                })
            else {
                self.warn(
                    r,
                    "its target names no Lambda integration of the state, so the route is left out",
                    breaksAPath: true
                )
                return
            }
            route.route = key
            self.builder.addRoute(route, to: api, from: r.address, type: r.type)
        case "aws_lambda_permission":
            return  // API Gateway's permission to invoke: the sandbox's APIs invoke their functions without it
        case "aws_apigatewayv2_stage":
            if let name = r.string("name"), name != "$default" {
                self.warn(r, "stage \(name) is served as $default (one stage per API, at its root)")
            }
        default:
            self.warn(r, "this resource type is not modelled by the sandbox and is left out")
        }
    }

    private mutating func mapProxy(_ r: Resource) throws {
        guard let name = r.string("name"), let role = r.string("role_arn") else {
            throw self.error(r, "a proxy needs name and role_arn")
        }
        guard let family = RDSEngine.proxyFamily(r.string("engine_family")) else {
            self.warn(
                r,
                "engine_family \(r.string("engine_family") ?? "") is not modelled (MYSQL and POSTGRESQL are); the "
                    + "proxy is left out"
            )
            return
        }
        var auth: [Topology.Proxy.Auth] = []
        for entry in r.values["auth"]?.items ?? [] {
            guard let secret = entry["secret_arn"]?.string else {
                throw self.error(r, "auth needs secret_arn (the sandbox models secrets-based auth)")
            }
            auth.append(
                .init(
                    secret: self.builder.secretNames[secret] ?? secret,
                    iamAuth: entry["iam_auth"]?.string.flatMap(Topology.Proxy.Auth.IAMAuth.init(rawValue:)),
                    clientPasswordAuthType: entry["client_password_auth_type"]?.string.flatMap(
                        Topology.Proxy.Auth.ClientPasswordAuthType.init(rawValue:)
                    )
                )
            )
        }
        self.builder.addProxy(
            .init(
                name: name,
                role: CloudFormationImporter.roleName(role),
                auth: auth,
                target: "",
                requireTLS: r.values["require_tls"]?.bool,
                idleClientTimeout: r.values["idle_client_timeout"]?.int,
                subnets: r.strings("vpc_subnet_ids").nilIfEmpty,
                securityGroups: r.strings("vpc_security_group_ids").nilIfEmpty,
                resourceId: r.string("arn")?.split(separator: ":").last.map(String.init),
                engineFamily: family
            ),
            untargeted: ImportWarning(
                resource: r.address,
                type: r.type,
                "has no aws_db_proxy_target, so it is left out"
            )
        )
        if let endpoint = r.string("endpoint") { self.endpoints[endpoint] = "${proxy:\(name)}" }
    }

    private mutating func mapFunction(_ r: Resource) throws {
        guard let name = r.string("function_name"), let role = r.string("role") else {
            throw self.error(r, "a function needs function_name and role")
        }
        let config = r.block("vpc_config")
        let subnets = config?["subnet_ids"]?.strings ?? []
        let groups = config?["security_group_ids"]?.strings ?? []
        let vpc = subnets.isEmpty ? nil : Topology.Function.VPC(subnets: subnets, securityGroups: groups)
        let reserved = r.values["reserved_concurrent_executions"]?.int
        var function = Topology.Function(
            name: name,
            runtime: r.string("runtime"),
            handler: r.string("handler"),
            memorySize: r.values["memory_size"]?.int,
            timeout: r.values["timeout"]?.string.flatMap(Double.init),
            role: CloudFormationImporter.roleName(role),
            environment: r.block("environment")?["variables"]?.map?.compactMapValues(\.string),
            vpc: vpc,
            reservedConcurrency: reserved.flatMap { $0 < 0 ? nil : $0 }
        )
        let filename = r.string("filename")
        FunctionCode.bind(
            &function,
            logicalId: name,
            code: (filename.flatMap { self.archives[$0] } ?? filename).map(TemplateValue.string),
            directory: self.file.deletingLastPathComponent()
        )
        self.builder.addFunction(function, from: r.address)
        if let vpc { self.functionPlacements.append((name, vpc)) }
    }

    private mutating func finish() -> Topology {
        // The endpoints Terraform recorded become the sandbox's own names, longest first (a proxy's is not a prefix of
        // another's).
        let names = self.endpoints.keys.sorted { $0.count > $1.count }
        let endpoints = self.endpoints
        self.builder.topology.functions = self.builder.topology.functions?.map { function in
            var function = function
            function.environment = function.environment?.mapValues { value in
                names.reduce(value) { $0.replacingOccurrences(of: $1, with: endpoints[$1]!) }
            }
            return function
        }
        let (topology, warnings) = self.builder.build()
        self.warnings += warnings
        return topology
    }

    /// Terraform's inline or standalone rule: ports, protocol and any of cidr_blocks, security_groups, self.
    static func rules(_ value: TemplateValue, group: String, ingress: Bool) -> [NetworkSpec.Rule] {
        let ipProtocol = CloudFormationImporter.ipProtocol(value["protocol"]?.string)
        let ports =
            ipProtocol == .all
            ? nil : CloudFormationImporter.ports(from: value["from_port"]?.int, to: value["to_port"]?.int)
        var peers = (value["cidr_blocks"]?.strings ?? []) + (value["security_groups"]?.strings ?? [])
        if let source = value["source_security_group_id"]?.string { peers.append(source) }
        if value["self"]?.bool == true { peers.append(group) }
        return peers.map {
            .init(protocol: ipProtocol, ports: ports, source: ingress ? $0 : nil, destination: ingress ? nil : $0)
        }
    }
}
