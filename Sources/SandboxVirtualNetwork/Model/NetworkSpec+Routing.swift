extension NetworkSpec {
    /// How a VPC reaches AWS's public endpoints: route tables, NAT and internet gateways, interface VPC endpoints.
    /// A VPC that declares none of them is not modelled: its clients reach AWS as they did before routing was.
    public struct Routing: Sendable, Codable, Equatable {
        /// `igw-…`, attached to the VPC.
        public var internetGateway: String?
        public var natGateways: [NATGateway]?
        public var routeTables: [RouteTable]?
        /// Interface VPC endpoints (AWS PrivateLink) for AWS services.
        public var endpoints: [InterfaceEndpoint]?

        public init(
            internetGateway: String? = nil,
            natGateways: [NATGateway]? = nil,
            routeTables: [RouteTable]? = nil,
            endpoints: [InterfaceEndpoint]? = nil
        ) {
            self.internetGateway = internetGateway
            self.natGateways = natGateways
            self.routeTables = routeTables
            self.endpoints = endpoints
        }
    }

    /// A NAT gateway in a (public) subnet.
    public struct NATGateway: Sendable, Codable, Equatable {
        public var id: String
        public var subnet: String
        public init(id: String, subnet: String) {
            self.id = id
            self.subnet = subnet
        }
    }

    /// A route table: its subnets (or every subnet without one, when `main`) and routes besides the VPC's local one.
    public struct RouteTable: Sendable, Codable, Equatable {
        public var id: String
        public var main: Bool?
        public var subnets: [String]?
        public var routes: [Route]?
        public init(id: String, main: Bool? = nil, subnets: [String]? = nil, routes: [Route]? = nil) {
            self.id = id
            self.main = main
            self.subnets = subnets
            self.routes = routes
        }
    }

    /// `{destination: 0.0.0.0/0, target: nat-…}`: a CIDR and an internet or NAT gateway.
    public struct Route: Sendable, Codable, Equatable {
        public var destination: String
        public var target: String
        public init(destination: String, target: String) {
            self.destination = destination
            self.target = target
        }
    }

    /// An interface endpoint for `service` (secretsmanager, kms, sts, lambda, rds): an ENI in `subnet` with its own
    /// security groups; with private DNS (the default) the service's public name resolves to it inside the VPC.
    public struct InterfaceEndpoint: Sendable, Codable, Equatable {
        public var id: String
        public var service: String
        public var subnet: String
        public var securityGroups: [String]
        public var privateDns: Bool?
        public init(id: String, service: String, subnet: String, securityGroups: [String], privateDns: Bool? = nil) {
            self.id = id
            self.service = service
            self.subnet = subnet
            self.securityGroups = securityGroups
            self.privateDns = privateDns
        }
    }
}
