import SandboxVirtualNetwork
import XCTest

/// The analysis on the misconfigurations customers hit, and networks that are refused with the path and fix.
final class ReachabilityTests: XCTestCase {
    /// One VPC, two subnets; the proxy and the database in groups the test chooses; a function host.
    func network(
        db: [NetworkSpec.Rule],
        proxyGroups: [String] = ["sg-proxy"],
        dbGroups: [String] = ["sg-db"],
        proxyEgress: [NetworkSpec.Rule]? = nil,
        acls: [NetworkSpec.NetworkACL]? = nil
    ) throws -> NetworkModel {
        let spec = NetworkSpec(vpcs: [
            .init(
                id: "vpc-app",
                cidr: "10.0.0.0/16",
                subnets: [.init(id: "subnet-a", cidr: "10.0.1.0/24"), .init(id: "subnet-b", cidr: "10.0.2.0/24")],
                securityGroups: [
                    .init(id: "sg-db", ingress: db), .init(id: "sg-proxy", egress: proxyEgress),
                    .init(id: "sg-function"),
                    .init(id: "sg-shared", ingress: db),
                ],
                networkAcls: acls
            ),
            .init(
                id: "vpc-other",
                cidr: "10.1.0.0/16",
                subnets: [.init(id: "subnet-x", cidr: "10.1.1.0/24")],
                securityGroups: [.init(id: "sg-x")]
            ),
        ])
        var model = try NetworkModel(spec)
        _ = try model.attach(owner: "app-db", subnet: "subnet-b", securityGroups: dbGroups, loopback: nil, path: "db")
        _ = try model.attach(
            owner: "app-proxy",
            subnet: "subnet-a",
            securityGroups: proxyGroups,
            loopback: nil,
            path: "proxy"
        )
        _ = try model.attach(
            owner: "fn",
            subnet: "subnet-a",
            securityGroups: ["sg-function"],
            loopback: nil,
            path: "fn"
        )
        _ = try model.attach(owner: "stranger", subnet: "subnet-x", securityGroups: ["sg-x"], loopback: nil, path: "x")
        return model
    }

    func reach(_ model: NetworkModel, _ from: String, _ to: String, _ port: Int = 3306) -> Reachability {
        model.analyze(from: .eni(model.eni(owner: from)!), to: model.eni(owner: to)!, port: port)
    }

    func testAllowedPathAndAddresses() throws {
        let model = try self.network(db: [.init(ports: 3306, source: "sg-proxy")])
        XCTAssertTrue(self.reach(model, "app-proxy", "app-db").isReachable)
        XCTAssertEqual(
            model.eni(owner: "app-db")?.privateIP.description,
            "10.0.2.4",
            "the first address after AWS's reserved four"
        )
        XCTAssertEqual(model.eni(owner: "fn")?.privateIP.description, "10.0.1.5")
    }

    func testDatabaseAdmitsTheFunctionInsteadOfTheProxy() throws {
        let model = try self.network(db: [.init(ports: 3306, source: "sg-function")])
        let result = self.reach(model, "app-proxy", "app-db")
        XCTAssertEqual(result.explanations.map(\.code), ["ENI_SG_RULES_MISMATCH"])
        XCTAssertEqual(result.explanations[0].direction, "ingress")
        XCTAssertEqual(
            result.explanations[0].text,
            "sg-db admits tcp/3306 only from sg-function; app-proxy is 10.0.1.4 in sg-proxy"
        )
        XCTAssertTrue(self.reach(model, "fn", "app-db").isReachable)
    }

    func testSharedGroupThatDoesNotAdmitItself() throws {
        let model = try self.network(
            db: [.init(ports: 3306, source: "sg-function")],
            proxyGroups: ["sg-shared"],
            dbGroups: ["sg-shared"]
        )
        let result = self.reach(model, "app-proxy", "app-db")
        XCTAssertEqual(
            result.explanations.first?.text,
            "sg-shared admits tcp/3306 only from sg-function; app-proxy is 10.0.1.4 in sg-shared"
        )
        let fixed = try self.network(
            db: [.init(ports: 3306, source: "sg-shared")],
            proxyGroups: ["sg-shared"],
            dbGroups: ["sg-shared"]
        )
        XCTAssertTrue(self.reach(fixed, "app-proxy", "app-db").isReachable, "a group that admits itself")
    }

    func testPortRangeAndCIDROffByOne() throws {
        let ports = try self.network(db: [.init(ports: "3307-3310", source: "sg-proxy")])
        XCTAssertEqual(
            self.reach(ports, "app-proxy", "app-db").explanations.first?.text,
            "sg-db admits tcp/3306 from nowhere; app-proxy is 10.0.1.4 in sg-proxy"
        )
        XCTAssertTrue(self.reach(ports, "app-proxy", "app-db", 3307).isReachable)
        let cidr = try self.network(db: [.init(ports: 3306, source: "10.0.2.0/24")])
        XCTAssertEqual(
            self.reach(cidr, "app-proxy", "app-db").explanations.first?.text,
            "sg-db admits tcp/3306 only from 10.0.2.0/24; app-proxy is 10.0.1.4 in sg-proxy"
        )
        let vpc = try self.network(db: [.init(ports: 3306, source: "vpc")])
        XCTAssertTrue(self.reach(vpc, "app-proxy", "app-db").isReachable)
    }

    func testEgressDenial() throws {
        let model = try self.network(
            db: [.init(ports: 3306, source: "sg-proxy")],
            proxyEgress: [.init(ports: 443, destination: "0.0.0.0/0")]
        )
        let result = self.reach(model, "app-proxy", "app-db")
        XCTAssertEqual(result.explanations.map(\.direction), ["egress"])
        XCTAssertEqual(
            result.explanations[0].text,
            "sg-proxy allows tcp/3306 out to nowhere; app-db is 10.0.2.4 in sg-db"
        )
    }

    func testNetworkACLsBothWays() throws {
        let denyInbound = NetworkSpec.NetworkACL(
            id: "acl-b",
            subnets: ["subnet-b"],
            ingress: [
                .init(rule: 90, protocol: .tcp, ports: 3306, cidr: "10.0.1.0/24", action: .deny),
                .init(rule: 100, cidr: "0.0.0.0/0", action: .allow),
            ],
            egress: [.init(rule: 100, cidr: "0.0.0.0/0", action: .allow)]
        )
        let model = try self.network(db: [.init(ports: 3306, source: "sg-proxy")], acls: [denyInbound])
        let result = self.reach(model, "app-proxy", "app-db")
        XCTAssertEqual(result.explanations.map(\.code), ["SUBNET_ACL_RESTRICTION"])
        XCTAssertEqual(
            result.explanations[0].text,
            "acl-b on subnet-b blocks inbound tcp/3306 from 10.0.1.4: rule 90 denies it"
        )
        let noReturn = NetworkSpec.NetworkACL(
            id: "acl-b",
            subnets: ["subnet-b"],
            ingress: [.init(rule: 100, cidr: "0.0.0.0/0", action: .allow)],
            egress: [.init(rule: 100, protocol: .tcp, ports: "0-1023", cidr: "0.0.0.0/0", action: .allow)]
        )
        let stateless = try self.network(db: [.init(ports: 3306, source: "sg-proxy")], acls: [noReturn])
        XCTAssertEqual(
            self.reach(stateless, "app-proxy", "app-db").explanations.map(\.text),
            [
                "acl-b on subnet-b blocks outbound the reply (tcp/32768) to 10.0.1.4: no rule matches, so the "
                    + "final * rule denies it"
            ]
        )
    }

    func testDifferentVPCsHaveNoPath() throws {
        let model = try self.network(db: [.init(ports: 3306, source: "0.0.0.0/0")])
        XCTAssertEqual(self.reach(model, "stranger", "app-db").explanations.map(\.code), ["NO_PATH"])
    }

    func testOperatorOutsideTheVPC() throws {
        let model = try self.network(db: [.init(ports: 3306, source: "sg-proxy")])
        let outside = model.analyze(
            from: model.endpoint(forPeer: "127.0.0.1"),
            to: model.eni(owner: "app-db")!,
            port: 3306
        )
        XCTAssertEqual(
            outside.explanations.first?.text,
            "sg-db admits tcp/3306 only from sg-proxy; the operator host is outside the VPC (as 203.0.113.10)"
        )
    }

    func testRefusedNetworksNameThePathAndTheFix() {
        func refuse(
            _ vpc: NetworkSpec.VPC,
            _ path: String,
            _ hint: String,
            file: StaticString = #filePath,
            line: UInt = #line
        ) {
            XCTAssertThrowsError(try NetworkModel(NetworkSpec(vpcs: [vpc])), file: file, line: line) { error in
                guard let error = error as? NetworkSpecError else { return XCTFail("\(error)", file: file, line: line) }
                XCTAssertEqual(error.path, path, file: file, line: line)
                XCTAssertTrue(error.reason.contains(hint), "\(error) should mention \(hint)", file: file, line: line)
            }
        }
        refuse(.init(id: "vpc-a", cidr: "10.0.0.0/33", subnets: []), "network.vpcs[0].cidr", "CIDR")
        refuse(.init(id: "vpc-a", cidr: "10.0.0.1/16", subnets: []), "network.vpcs[0].cidr", "network's")
        refuse(
            .init(id: "vpc-a", cidr: "10.0.0.0/16", subnets: [.init(id: "subnet-a", cidr: "10.1.0.0/24")]),
            "network.vpcs[0].subnets[0].cidr",
            "outside"
        )
        refuse(
            .init(
                id: "vpc-a",
                cidr: "10.0.0.0/16",
                subnets: [.init(id: "subnet-a", cidr: "10.0.0.0/24"), .init(id: "subnet-b", cidr: "10.0.0.128/25")]
            ),
            "network.vpcs[0].subnets[1].cidr",
            "overlaps subnet-a"
        )
        refuse(
            .init(
                id: "vpc-a",
                cidr: "10.0.0.0/16",
                subnets: [],
                securityGroups: [.init(id: "sg-a", ingress: [.init(ports: 3306, source: "sg-nope")])]
            ),
            "network.vpcs[0].securityGroups[0].ingress[0].source",
            "not a security group"
        )
        refuse(
            .init(
                id: "vpc-a",
                cidr: "10.0.0.0/16",
                subnets: [],
                securityGroups: [.init(id: "sg-a", ingress: [.init(ports: "3310-3306", source: "vpc")])]
            ),
            "network.vpcs[0].securityGroups[0].ingress[0].ports",
            "lower bound first"
        )
    }

    func testSubnetExhaustionIsAnError() throws {
        var model = try NetworkModel(
            NetworkSpec(vpcs: [
                .init(id: "vpc-a", cidr: "10.0.0.0/16", subnets: [.init(id: "subnet-a", cidr: "10.0.0.0/28")])
            ])
        )
        for index in 0..<11 {
            _ = try model.attach(owner: "h\(index)", subnet: "subnet-a", securityGroups: [], loopback: nil, path: "h")
        }
        XCTAssertThrowsError(
            try model.attach(owner: "one-too-many", subnet: "subnet-a", securityGroups: [], loopback: nil, path: "h")
        ) { error in
            XCTAssertTrue("\(error)".contains("no free address"), "\(error)")
        }
    }
}
