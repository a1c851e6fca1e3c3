import SandboxVirtualNetwork
import XCTest

/// How a VPC's clients reach an AWS service's endpoint: an interface endpoint (private DNS) decides by its
/// security groups; else the subnet's default route must go to a NAT gateway whose subnet routes to the
/// internet gateway.
final class ServiceAccessTests: XCTestCase {
    static let name = "secretsmanager.us-east-1.amazonaws.com"

    func model(
        routes: [NetworkSpec.Route],
        endpointIngress: [NetworkSpec.Rule]? = nil,
        natRoutes: [NetworkSpec.Route]? = nil
    ) throws -> (NetworkModel, ENI) {
        let endpoints = endpointIngress.map { _ in
            [
                NetworkSpec.InterfaceEndpoint(
                    id: "vpce-sm",
                    service: "secretsmanager",
                    subnet: "subnet-e",
                    securityGroups: ["sg-e"]
                )
            ]
        }
        let routing = NetworkSpec.Routing(
            internetGateway: "igw-a",
            natGateways: [.init(id: "nat-a", subnet: "subnet-pub")],
            routeTables: [
                .init(
                    id: "rtb-pub",
                    subnets: ["subnet-pub"],
                    routes: natRoutes ?? [.init(destination: "0.0.0.0/0", target: "igw-a")]
                ),
                .init(id: "rtb-priv", main: true, routes: routes),
            ],
            endpoints: endpoints
        )
        let spec = NetworkSpec(vpcs: [
            .init(
                id: "vpc-a",
                cidr: "10.0.0.0/16",
                subnets: [
                    .init(id: "subnet-app", cidr: "10.0.1.0/24"), .init(id: "subnet-pub", cidr: "10.0.0.0/24"),
                    .init(id: "subnet-e", cidr: "10.0.3.0/24"),
                ],
                securityGroups: [.init(id: "sg-f"), .init(id: "sg-e", ingress: endpointIngress)],
                routing: routing
            )
        ])
        var model = try NetworkModel(spec)
        let eni = try model.attach(
            owner: "fn",
            subnet: "subnet-app",
            securityGroups: ["sg-f"],
            loopback: nil,
            path: "fn"
        )
        return (model, eni)
    }

    func testNATGatewayOrEndpoint() throws {
        let (nat, fn) = try self.model(routes: [.init(destination: "0.0.0.0/0", target: "nat-a")])
        XCTAssertEqual(
            nat.access(from: fn, toService: "secretsmanager", name: Self.name),
            .open("through nat-a and igw-a")
        )
        XCTAssertEqual(
            nat.access(from: nil, toService: "secretsmanager", name: Self.name).isOpen,
            true,
            "outside every VPC: the internet"
        )

        let (none, fn2) = try self.model(routes: [])
        guard case let .blocked(why) = none.access(from: fn2, toService: "secretsmanager", name: Self.name) else {
            return XCTFail()
        }
        XCTAssertEqual(why.map(\.code), ["NO_ROUTE"])
        XCTAssertTrue(
            why[0].text.contains(
                "rtb-priv (subnet-app) has no route to 0.0.0.0/0 (a NAT gateway) and vpc-a has no secretsmanager "
                    + "interface endpoint"
            ),
            why[0].text
        )

        let (igw, fn3) = try self.model(routes: [.init(destination: "0.0.0.0/0", target: "igw-a")])
        guard case let .blocked(noPublicIP) = igw.access(from: fn3, toService: "secretsmanager", name: Self.name) else {
            return XCTFail()
        }
        XCTAssertEqual(noPublicIP.map(\.code), ["NO_PUBLIC_IP"])

        let (stranded, fn4) = try self.model(routes: [.init(destination: "0.0.0.0/0", target: "nat-a")], natRoutes: [])
        guard case let .blocked(nowhere) = stranded.access(from: fn4, toService: "secretsmanager", name: Self.name)
        else { return XCTFail() }
        XCTAssertTrue(
            nowhere[0].text.contains("nat-a is in subnet-pub, whose route table has no route to 0.0.0.0/0"),
            nowhere[0].text
        )

        let (endpoint, fn5) = try self.model(
            routes: [],
            endpointIngress: [.init(protocol: .tcp, ports: 443, source: "sg-f")]
        )
        XCTAssertEqual(
            endpoint.access(from: fn5, toService: "secretsmanager", name: Self.name),
            .open("through vpce-sm (private DNS)")
        )
        XCTAssertFalse(
            endpoint.access(from: fn5, toService: "kms", name: "kms.us-east-1.amazonaws.com").isOpen,
            "an endpoint serves its own service only"
        )

        let (closed, fn6) = try self.model(
            routes: [.init(destination: "0.0.0.0/0", target: "nat-a")],
            endpointIngress: [.init(protocol: .tcp, ports: 443, source: "10.9.0.0/16")]
        )
        guard case let .blocked(endpointWhy) = closed.access(from: fn6, toService: "secretsmanager", name: Self.name)
        else { return XCTFail("private DNS: the NAT gateway is not used") }
        XCTAssertEqual(endpointWhy.map(\.code), ["ENI_SG_RULES_MISMATCH", "VPC_ENDPOINT"])
    }

    func testBadRoutingNamesThePath() {
        let vpc = { (routing: NetworkSpec.Routing) in
            NetworkSpec(vpcs: [
                .init(
                    id: "vpc-a",
                    cidr: "10.0.0.0/16",
                    subnets: [.init(id: "subnet-a", cidr: "10.0.1.0/24")],
                    routing: routing
                )
            ])
        }
        let cases: [(NetworkSpec.Routing, String, String)] = [
            (
                .init(routeTables: [.init(id: "rtb-a", routes: [.init(destination: "0.0.0.0/0", target: "nat-x")])]),
                "network.vpcs[0].routing.routeTables[0].routes[0].target", "NAT gateways"
            ),
            (
                .init(natGateways: [.init(id: "nat-a", subnet: "subnet-z")]),
                "network.vpcs[0].routing.natGateways[0].subnet", "not a subnet of vpc-a"
            ),
            (
                .init(routeTables: [
                    .init(id: "rtb-a", subnets: ["subnet-a"]), .init(id: "rtb-b", subnets: ["subnet-a"]),
                ]), "network.vpcs[0].routing.routeTables[1].subnets[0]", "one route table"
            ),
            (
                .init(endpoints: [.init(id: "ep-1", service: "secretsmanager", subnet: "subnet-a", securityGroups: [])]
                ), "network.vpcs[0].routing.endpoints[0].id", "vpce-"
            ),
        ]
        for (routing, path, hint) in cases {
            XCTAssertThrowsError(try NetworkModel(vpc(routing))) { error in
                guard let error = error as? NetworkSpecError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.path, path, "\(error)")
                XCTAssertTrue("\(error)".contains(hint), "\(error)")
            }
        }
    }
}
