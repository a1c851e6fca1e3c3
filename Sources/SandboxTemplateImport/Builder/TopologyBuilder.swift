import SandboxAWSCore
import SandboxTopology
import SandboxVirtualNetwork

/// Assembles a topology from resources as templates and Terraform describe them, whatever order they come in
/// (a rule before its group, an alias after its key); both importers build through it.
struct TopologyBuilder {
    var topology: Topology
    private var vpcOrder: [String] = []
    private var vpcs: [String: NetworkSpec.VPC] = [:]
    /// Security group id → its VPC id (nil until the group is seen).
    private var groupVPC: [String: String] = [:]
    private var pendingRules: [(group: String, ingress: Bool, rule: NetworkSpec.Rule)] = []
    private var subnetVPC: [String: String] = [:]
    private var routeTableVPC: [String: String] = [:]
    private var roleIndex: [String: Int] = [:]
    /// KMS key id → alias (an alias resource, or one made up for a key without any).
    var keyAliases: [String: String] = [:]
    /// Secret ARN → secret name.
    var secretNames: [String: String] = [:]
    /// What waits to be completed (see TopologyBuilder+Completed.swift): subnet groups, clusters and their
    /// placement, proxies until their target, APIs until their routes.
    var subnetGroups: [String: [String]] = [:]
    var clusterOrder: [String] = []
    var clusters: [String: (cluster: Topology.Cluster, subnetGroup: String?, securityGroups: [String]?)] = [:]
    var proxyOrder: [String] = []
    var proxies: [String: (proxy: Topology.Proxy, untargeted: ImportWarning)] = [:]
    var apiOrder: [String] = []
    var apis: [String: Topology.API] = [:]
    /// Where each route was declared (`<api> <route key>` → resource and type), and each function (name → resource).
    var routeOrigins: [String: (resource: String, type: String)] = [:]
    var functionSources: [String: String] = [:]

    init(region: String, accountId: String) {
        self.topology = Topology(region: region, accountId: accountId)
    }

    // MARK: Network

    mutating func addVPC(_ id: String, cidr: String) {
        if self.vpcs[id] == nil { self.vpcOrder.append(id) }
        // A template's VPC has a main route table with only its local route: what reaches AWS is what its routes say.
        var vpc = NetworkSpec.VPC(
            id: id,
            cidr: cidr,
            subnets: self.vpcs[id]?.subnets ?? [],
            securityGroups: self.vpcs[id]?.securityGroups
        )
        vpc.routing = self.vpcs[id]?.routing ?? NetworkSpec.Routing()
        self.vpcs[id] = vpc
    }

    mutating func addSubnet(_ id: String, vpc: String, cidr: String, az: String?) {
        self.subnetVPC[id] = vpc
        self.vpcs[vpc, default: .init(id: vpc, cidr: "10.0.0.0/16", subnets: [])].subnets.append(
            .init(id: id, cidr: cidr, az: az)
        )
        if !self.vpcOrder.contains(vpc) { self.vpcOrder.append(vpc) }
    }

    mutating func addSecurityGroup(_ id: String, vpc: String?, ingress: [NetworkSpec.Rule], egress: [NetworkSpec.Rule]?)
    {
        guard let vpc = vpc ?? self.vpcOrder.first else { return }
        self.groupVPC[id] = vpc
        var groups = self.vpcs[vpc]?.securityGroups ?? []
        groups.removeAll { $0.id == id }
        groups.append(.init(id: id, ingress: ingress.isEmpty ? nil : ingress, egress: egress))
        self.vpcs[vpc]?.securityGroups = groups
    }

    /// A rule of its own resource (AWS::EC2::SecurityGroupIngress, aws_security_group_rule), applied at `build()`.
    mutating func addRule(to group: String, ingress: Bool, _ rule: NetworkSpec.Rule) {
        self.pendingRules.append((group, ingress, rule))
    }

    mutating func addRouteTable(_ id: String, vpc: String) {
        self.routeTableVPC[id] = vpc
        self.withRouting(vpc) { $0.routeTables = ($0.routeTables ?? []) + [.init(id: id, subnets: [], routes: [])] }
    }

    mutating func associate(subnet: String, routeTable: String) {
        guard let vpc = self.routeTableVPC[routeTable] else { return }
        self.withRouteTable(routeTable, vpc: vpc) { $0.subnets = ($0.subnets ?? []) + [subnet] }
    }

    mutating func addRoute(table: String, destination: String, target: String) {
        guard let vpc = self.routeTableVPC[table] else { return }
        self.withRouteTable(table, vpc: vpc) {
            $0.routes = ($0.routes ?? []) + [.init(destination: destination, target: target)]
        }
    }

    mutating func addInternetGateway(_ id: String, vpc: String) { self.withRouting(vpc) { $0.internetGateway = id } }

    mutating func addNATGateway(_ id: String, subnet: String) {
        guard let vpc = self.subnetVPC[subnet] else { return }
        self.withRouting(vpc) { $0.natGateways = ($0.natGateways ?? []) + [.init(id: id, subnet: subnet)] }
    }

    /// An interface endpoint (`com.amazonaws.<region>.secretsmanager` → secretsmanager) in its first subnet.
    mutating func addInterfaceEndpoint(
        _ id: String,
        vpc: String,
        serviceName: String,
        subnets: [String],
        securityGroups: [String],
        privateDns: Bool
    ) {
        guard let subnet = subnets.first else { return }
        let service = serviceName.split(separator: ".").last.map(String.init) ?? serviceName
        self.withRouting(vpc) {
            $0.endpoints =
                ($0.endpoints ?? []) + [
                    .init(
                        id: id,
                        service: service,
                        subnet: subnet,
                        securityGroups: securityGroups,
                        privateDns: privateDns
                    )
                ]
        }
    }

    private mutating func withRouteTable(_ id: String, vpc: String, _ change: (inout NetworkSpec.RouteTable) -> Void) {
        self.withRouting(vpc) { routing in
            var tables = routing.routeTables ?? []
            guard let index = tables.firstIndex(where: { $0.id == id }) else { return }
            change(&tables[index])
            routing.routeTables = tables
        }
    }

    private mutating func withRouting(_ vpc: String, _ change: (inout NetworkSpec.Routing) -> Void) {
        guard self.vpcs[vpc] != nil else { return }
        var routing = self.vpcs[vpc]?.routing ?? NetworkSpec.Routing()
        change(&routing)
        self.vpcs[vpc]?.routing = routing
    }

    // MARK: IAM, KMS, secrets

    mutating func addRole(_ role: Topology.Role) {
        var iam = self.topology.iam ?? .init()
        if let index = self.roleIndex[role.name] {
            iam.roles?[index] = role
        } else {
            self.roleIndex[role.name] = iam.roles?.count ?? 0
            iam.roles = (iam.roles ?? []) + [role]
        }
        self.topology.iam = iam
    }

    func role(_ name: String) -> Topology.Role? { self.roleIndex[name].flatMap { self.topology.iam?.roles?[$0] } }

    mutating func changeRole(_ name: String, _ change: (inout Topology.Role) -> Void) {
        guard let index = self.roleIndex[name] else { return }
        change(&self.topology.iam!.roles![index])
    }

    mutating func addManagedPolicy(_ name: String, document: String) {
        var iam = self.topology.iam ?? .init()
        iam.policies =
            (iam.policies ?? []).filter { $0.name != name } + [.init(name: name, document: JSONText(document))]
        self.topology.iam = iam
    }

    /// Attaches a managed policy by ARN: the account's own by name, AWS's from the few the sandbox knows (as an
    /// inline copy), else a warning that the role lacks what it grants.
    mutating func attach(_ arn: String, to role: String, warn: (String) -> Void) {
        if let name = arn.split(separator: "/").last.map(String.init), !arn.contains(":aws:policy/") {
            self.changeRole(role) { $0.managedPolicies = ($0.managedPolicies ?? []) + [name] }
        } else if let document = AWSManagedPolicies.document(arn) {
            let name = arn.split(separator: "/").last.map(String.init) ?? arn
            self.changeRole(role) { $0.policies = ($0.policies ?? [:]).merging([name: JSONText(document)]) { $1 } }
        } else {
            warn(
                "the AWS managed policy \(arn) is not modelled; the role does not get its permissions (add them as "
                    + "an inline policy if the path needs them)"
            )
        }
    }

    mutating func addKey(_ key: Topology.KMSKey) {
        self.keyAliases[key.keyId ?? key.alias] = key.alias
        self.topology.kmsKeys = (self.topology.kmsKeys ?? []) + [key]
    }

    /// Names a key by the template's alias instead of the one made up for it.
    mutating func renameKey(_ keyId: String, alias: String) {
        guard let index = self.topology.kmsKeys?.firstIndex(where: { $0.keyId == keyId }) else { return }
        self.topology.kmsKeys?[index].alias = alias
        self.keyAliases[keyId] = alias
    }

    /// A key's id, ARN or alias as the topology names it (its alias).
    func keyReference(_ reference: String) -> String {
        if reference.hasPrefix("alias/") { return String(reference.dropFirst("alias/".count)) }
        let id = reference.split(separator: "/").last.map(String.init) ?? reference
        return self.keyAliases[id] ?? reference
    }

    mutating func addSecret(_ secret: Topology.Secret, arn: String) {
        self.secretNames[arn] = secret.name
        self.topology.secrets = (self.topology.secrets ?? []) + [secret]
    }

    mutating func changeSecret(arn: String, _ change: (inout Topology.Secret) -> Void) {
        guard let name = self.secretNames[arn],
            let index = self.topology.secrets?.firstIndex(where: { $0.name == name })
        else { return }
        change(&self.topology.secrets![index])
    }

    // MARK: Build

    /// The topology, with rules of their own resources in their groups (the network only when a VPC was seen),
    /// clusters, proxies with a target, APIs with routes, secrets naming their keys by alias; and a warning for each
    /// proxy left out for want of a target.
    func build() -> (Topology, [ImportWarning]) {
        var vpcs = self.vpcs
        for pending in self.pendingRules {
            guard let vpc = self.groupVPC[pending.group], var groups = vpcs[vpc]?.securityGroups,
                let index = groups.firstIndex(where: { $0.id == pending.group })
            else { continue }
            if pending.ingress {
                groups[index].ingress = (groups[index].ingress ?? []) + [pending.rule]
            } else {
                groups[index].egress = (groups[index].egress ?? []) + [pending.rule]
            }
            vpcs[vpc]?.securityGroups = groups
        }
        // Terraform's state lists a group's standalone rules among its inline ones too: each rule once.
        for (id, vpc) in vpcs {
            vpcs[id]?.securityGroups = vpc.securityGroups?.map { group in
                var group = group
                group.ingress = group.ingress.map(Self.unique)
                group.egress = group.egress.map(Self.unique)
                return group
            }
        }
        var topology = self.topology
        if !self.vpcOrder.isEmpty { topology.network = NetworkSpec(vpcs: self.vpcOrder.compactMap { vpcs[$0] }) }
        return self.completed(into: topology)
    }

    private static func unique(_ rules: [NetworkSpec.Rule]) -> [NetworkSpec.Rule] {
        rules.enumerated().filter { entry in !rules[..<entry.offset].contains(entry.element) }.map(\.element)
    }

}
