import Foundation
import SandboxTopology
import SandboxVirtualNetwork

/// Turns a loaded CloudFormation/SAM template, with its nested stacks, into a topology: every resource type the
/// sandbox models is mapped, every other one (and every property it does not read) is listed as a warning.
struct CloudFormationImporter {
    /// A resource of some loaded stack.
    struct Item {
        var stack: CloudFormationStack
        var id: String
        var type: String
        var label: String { self.stack.prefix + self.id }
        func properties() throws -> [String: TemplateValue] { try self.stack.properties(self.id) }
        func name() throws -> String { try self.stack.physicalName(self.id) }
    }

    var builder: TopologyBuilder
    let session: ImportSession
    /// Integrations by id (the function and options), for the routes that name them.
    var integrations: [String: Topology.API.Route] = [:]
    var pendingRoutes: [(api: String, key: String, integration: String, label: String)] = []
    /// Where functions sit, in template order: the operator host takes the first one's placement.
    var functionPlacements: [(name: String, vpc: Topology.Function.VPC)] = []

    init(session: ImportSession) {
        self.session = session
        self.builder = TopologyBuilder(region: session.region, accountId: session.accountId)
    }

    /// The order types are mapped in, so what a resource refers to is already there.
    static let ranks: [String] = [
        "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::RouteTable",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::NatGateway", "AWS::EC2::Route", "AWS::EC2::VPCEndpoint", "AWS::EC2::EIP",
        "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy",
        "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::SecretsManager::Secret",
        "AWS::SecretsManager::SecretTargetAttachment", "AWS::RDS::DBProxy", "AWS::RDS::DBProxyTargetGroup",
        "AWS::RDS::DBProxyEndpoint",
        "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api", "AWS::Lambda::Function", "AWS::Serverless::Function",
        "AWS::Lambda::Permission",
        "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Stage",
        "AWS::Serverless::Application", "AWS::CloudFormation::Stack",
    ]

    mutating func importStacks(_ stacks: [CloudFormationStack]) throws {
        var items: [Item] = []
        for stack in stacks {
            for id in stack.order where try stack.includes(id) {
                items.append(Item(stack: stack, id: id, type: stack.resources[id]!.type))
            }
        }
        let rank = { (type: String) in Self.ranks.firstIndex(of: type) ?? Self.ranks.count }
        for item in items.enumerated().sorted(by: {
            (rank($0.element.type), $0.offset) < (rank($1.element.type), $1.offset)
        }).map(\.element) {
            try self.map(item)
        }
        try self.finish()
    }

    private mutating func map(_ item: Item) throws {
        switch item.type {
        case "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
            "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::RouteTable",
            "AWS::EC2::SubnetRouteTableAssociation",
            "AWS::EC2::NatGateway", "AWS::EC2::Route", "AWS::EC2::VPCEndpoint", "AWS::EC2::EIP":
            try self.mapNetwork(item)
        case "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::Policy",
            "AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretTargetAttachment":
            try self.mapAccount(item)
        case "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::RDS::DBProxy",
            "AWS::RDS::DBProxyTargetGroup",
            "AWS::RDS::DBProxyEndpoint":
            try self.mapDatabase(item)
        case "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::Permission",
            "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api",
            "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Stage":
            try self.mapCompute(item)
        case "AWS::Serverless::Application", "AWS::CloudFormation::Stack":
            return  // loaded as nested stacks
        default:
            self.session.warn(
                item.label,
                item.type,
                "this resource type is not modelled by the sandbox and is left out"
            )
        }
    }

    /// Warns about each property the mapping does not read (beyond those that change nothing here).
    func unread(_ item: Item, _ properties: [String: TemplateValue], read: Set<String>) {
        let ignored: Set<String> = [
            "Tags", "Description", "DeletionProtection", "DeletionPolicy", "UpdateReplacePolicy",
        ]
        for key in properties.keys.sorted() where !read.contains(key) && !ignored.contains(key) {
            self.session.warn(item.label, item.type, "property \(key) is not modelled and has no effect in the sandbox")
        }
    }

    private mutating func finish() throws {
        for route in self.pendingRoutes {
            guard let integration = self.integrations[route.integration] else {
                self.session.warn(
                    route.label,
                    "AWS::ApiGatewayV2::Route",
                    "its Target names no Lambda integration of the template, so the route is left out",
                    breaksAPath: true
                )
                continue
            }
            var target = integration
            target.route = route.key
            self.builder.addRoute(target, to: route.api, from: route.label, type: "AWS::ApiGatewayV2::Route")
        }
    }
}

extension Array {
    var nilIfEmpty: [Element]? { self.isEmpty ? nil : self }
}
