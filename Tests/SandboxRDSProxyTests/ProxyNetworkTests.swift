import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxMariaDBClient
import SandboxTesting
import SandboxVirtualNetwork
import XCTest

/// The proxy inside the VPC: its own security groups in front, the database's behind, and the shared-group
/// pitfall showing up as an UNREACHABLE target with the reason.
final class ProxyNetworkTests: XCTestCase {
    static func topology(proxyGroup: String, dbGroup: String) -> Topology {
        var topology = ProxyFixture.topology()
        topology.databases[0].subnet = "subnet-b"
        topology.databases[0].securityGroups = [dbGroup]
        topology.proxies = [
            .init(
                name: "net-proxy",
                role: "proxy-role",
                auth: [.init(secret: "app-db/app")],
                target: "app-db",
                subnets: ["subnet-a"],
                securityGroups: [proxyGroup]
            )
        ]
        topology.network = NetworkSpec(
            vpcs: [
                .init(
                    id: "vpc-app",
                    cidr: "10.0.0.0/16",
                    subnets: [.init(id: "subnet-a", cidr: "10.0.1.0/24"), .init(id: "subnet-b", cidr: "10.0.2.0/24")],
                    securityGroups: [
                        .init(id: "sg-db", ingress: [.init(ports: 3306, source: "sg-proxy")]),
                        .init(id: "sg-proxy", ingress: [.init(ports: 3306, source: "sg-function")]),
                        .init(id: "sg-shared", ingress: [.init(ports: 3306, source: "sg-function")]),
                        .init(id: "sg-function"),
                    ]
                )
            ],
            hosts: [.init(id: "fn", subnet: "subnet-a", securityGroups: ["sg-function"])],
            deniedConnections: .reset
        )
        return topology
    }

    func connect(_ sandbox: Sandbox, from host: String?) async throws -> MariaDBConnection {
        let proxy = sandbox.endpoints.proxies!["net-proxy"]!
        let bind = host.map { sandbox.endpoints.hosts![$0]!.loopback }
        return try await MariaDB.offload {
            try MariaDBConnection(
                .init(
                    host: proxy.host,
                    port: proxy.port,
                    user: "app",
                    password: "app-Passw0rd",
                    database: "app",
                    connectTimeout: 3,
                    readTimeout: 3,
                    bindAddress: bind
                )
            )
        }
    }

    func testFunctionThroughProxyToDatabase() async throws {
        try await withSandbox(Self.topology(proxyGroup: "sg-proxy", dbGroup: "sg-db")) { sandbox in
            XCTAssertEqual(sandbox.endpoints.proxies?["net-proxy"]?.eni?.securityGroups, ["sg-proxy"])
            XCTAssertEqual(sandbox.account.dbProxy(named: "net-proxy")?.targets.first?.state, .available)
            let client = try await self.connect(sandbox, from: "fn")
            XCTAssertEqual(try client.query("SELECT 1").rows, [["1"]])
            do {
                _ = try await self.connect(sandbox, from: nil)
                XCTFail("sg-proxy admits sg-function only; the operator is outside the VPC")
            } catch let error as MariaDBError {
                XCTAssertTrue([2002, 2013].contains(error.code), "\(error)")
            }
        }
    }

    func testToxicsOnTheProxysListener() async throws {
        try await withSandbox(Self.topology(proxyGroup: "sg-proxy", dbGroup: "sg-db")) { sandbox in
            let client = try await self.connect(sandbox, from: "fn")
            sandbox.network?.faults.add(Toxic(name: "slow", .latency(milliseconds: 300)), to: .listener("net-proxy"))
            let started = Date()
            _ = try await MariaDB.offload { try client.query("SELECT 1") }
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.29)
            await sandbox.setDown("net-proxy", true)
            XCTAssertThrowsError(try client.query("SELECT 2"), "a proxy taken down resets its clients")
        }
    }

    func testSharedSecurityGroupThatDoesNotAdmitItself() async throws {
        try await withSandbox(Self.topology(proxyGroup: "sg-shared", dbGroup: "sg-shared")) { sandbox in
            let target = try XCTUnwrap(sandbox.account.dbProxy(named: "net-proxy")?.targets.first)
            XCTAssertEqual(target.state, .unavailable)
            XCTAssertEqual(target.reason, .unreachable)
            XCTAssertTrue(
                target.healthDescription?.contains(
                    "sg-shared admits tcp/3306 only from sg-function; net-proxy is 10.0.1.5 in sg-shared"
                ) ?? false,
                target.healthDescription ?? ""
            )
            let client = try await self.connect(sandbox, from: "fn")
            do {
                _ = try await MariaDB.offload { try client.query("SELECT 1") }
                XCTFail("the proxy cannot reach its target")
            } catch let error as MariaDBError {
                XCTAssertEqual(error.code, 9501, "\(error)")
            }
            XCTAssertEqual(
                sandbox.network?.deniedConnections.last?.source,
                "net-proxy",
                "the database's listener dropped the proxy"
            )
        }
    }
}
