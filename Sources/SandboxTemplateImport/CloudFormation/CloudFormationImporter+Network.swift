import SandboxTopology
import SandboxVirtualNetwork

/// VPCs, subnets, security groups and their rules, route tables, gateways and interface endpoints.
extension CloudFormationImporter {
    mutating func mapNetwork(_ item: Item) throws {
        let properties = try item.properties()
        let name = try item.name()
        let text = { (key: String) in properties[key]?.string }
        switch item.type {
        case "AWS::EC2::VPC":
            self.builder.addVPC(name, cidr: text("CidrBlock") ?? "10.0.0.0/16")
            self.unread(
                item,
                properties,
                read: ["CidrBlock", "EnableDnsHostnames", "EnableDnsSupport", "InstanceTenancy"]
            )
        case "AWS::EC2::Subnet":
            guard let vpc = text("VpcId"), let cidr = text("CidrBlock") else {
                throw item.stack.error("Resources.\(item.id).Properties", "a subnet needs VpcId and CidrBlock")
            }
            self.builder.addSubnet(name, vpc: vpc, cidr: cidr, az: text("AvailabilityZone"))
            self.unread(item, properties, read: ["VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch"])
        case "AWS::EC2::SecurityGroup":
            let ingress = (properties["SecurityGroupIngress"]?.items ?? []).compactMap { Self.rule($0, peer: "Source") }
            let egress = properties["SecurityGroupEgress"].map {
                $0.items.compactMap { Self.rule($0, peer: "Destination") }
            }
            self.builder.addSecurityGroup(name, vpc: text("VpcId"), ingress: ingress, egress: egress)
            self.unread(
                item,
                properties,
                read: ["VpcId", "SecurityGroupIngress", "SecurityGroupEgress", "GroupDescription", "GroupName"]
            )
        case "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress":
            let ingress = item.type.hasSuffix("Ingress")
            guard let group = text("GroupId"),
                let rule = Self.rule(.map(properties), peer: ingress ? "Source" : "Destination")
            else {
                throw item.stack.error(
                    "Resources.\(item.id).Properties",
                    "a security group rule needs GroupId, IpProtocol and a CidrIp or security group peer"
                )
            }
            self.builder.addRule(to: group, ingress: ingress, rule)
            self.unread(
                item,
                properties,
                read: [
                    "GroupId", "IpProtocol", "FromPort", "ToPort", "CidrIp", "SourceSecurityGroupId",
                    "DestinationSecurityGroupId", "SourceSecurityGroupOwnerId",
                ]
            )
        case "AWS::EC2::InternetGateway":
            return
        case "AWS::EC2::VPCGatewayAttachment":
            if let vpc = text("VpcId"), let gateway = text("InternetGatewayId") {
                self.builder.addInternetGateway(gateway, vpc: vpc)
            }
        case "AWS::EC2::RouteTable":
            if let vpc = text("VpcId") { self.builder.addRouteTable(name, vpc: vpc) }
        case "AWS::EC2::SubnetRouteTableAssociation":
            if let subnet = text("SubnetId"), let table = text("RouteTableId") {
                self.builder.associate(subnet: subnet, routeTable: table)
            }
        case "AWS::EC2::NatGateway":
            if let subnet = text("SubnetId") { self.builder.addNATGateway(name, subnet: subnet) }
        case "AWS::EC2::Route":
            guard let table = text("RouteTableId"), let destination = text("DestinationCidrBlock"),
                let target = text("NatGatewayId") ?? text("GatewayId")
            else {
                self.session.warn(
                    item.label,
                    item.type,
                    "only routes to a NAT or internet gateway are modelled; this one is left out"
                )
                return
            }
            self.builder.addRoute(table: table, destination: destination, target: target)
        case "AWS::EC2::VPCEndpoint":
            guard text("VpcEndpointType") == "Interface", let vpc = text("VpcId"), let service = text("ServiceName")
            else {
                self.session.warn(item.label, item.type, "only interface endpoints are modelled; this one is left out")
                return
            }
            self.builder.addInterfaceEndpoint(
                name,
                vpc: vpc,
                serviceName: service,
                subnets: properties["SubnetIds"]?.strings ?? [],
                securityGroups: properties["SecurityGroupIds"]?.strings ?? [],
                privateDns: properties["PrivateDnsEnabled"]?.bool ?? false
            )
        default:
            return
        }
    }

    /// A rule written as CloudFormation writes one (`IpProtocol`, `FromPort`/`ToPort`, `CidrIp` or a group).
    static func rule(_ value: TemplateValue, peer: String) -> NetworkSpec.Rule? {
        let text = { (key: String) in value[key]?.string }
        guard let peerValue = text("\(peer)SecurityGroupId") ?? text("CidrIp") ?? text("DestinationPrefixListId") else {
            return nil
        }
        return NetworkSpec.Rule(
            protocol: Self.ipProtocol(text("IpProtocol")),
            ports: Self.ports(from: value["FromPort"]?.int, to: value["ToPort"]?.int),
            source: peer == "Source" ? peerValue : nil,
            destination: peer == "Destination" ? peerValue : nil
        )
    }

    static func ipProtocol(_ text: String?) -> IPProtocol {
        switch text?.lowercased() {
        case "tcp", "6": .tcp
        case "udp", "17": .udp
        case "icmp", "1": .icmp
        default: .all
        }
    }

    static func ports(from: Int?, to: Int?) -> PortText? {
        guard let from, from >= 0 else { return nil }
        let to = to ?? from
        if from == 0 && to == 65535 { return nil }
        return from == to ? PortText(integerLiteral: from) : PortText(stringLiteral: "\(from)-\(to)")
    }
}
