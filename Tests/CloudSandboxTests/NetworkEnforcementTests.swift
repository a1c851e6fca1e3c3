import CloudSandbox
import Foundation
import NIOCore
import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxTesting
import SandboxVirtualNetwork
import XCTest

/// Security groups enforced on real sockets: allowed paths connect, blocked ones are dropped (or reset), and the
/// enforcement log explains each denial as the analysis does.
final class NetworkEnforcementTests: XCTestCase {
    /// app-db in subnet-b admits tcp/3306 from sg-function only; hosts `fn` (sg-function) and `proxy-host`
    /// (sg-proxy) in subnet-a; the operator outside the VPC unless placed.
    static func topology(
        denied: NetworkSpec.DeniedConnectionMode,
        operatorHost: NetworkSpec.OperatorHost? = nil
    ) -> Topology {
        Topology(
            databases: [
                .init(
                    id: "app-db",
                    users: [.init(name: "app", password: "app-pw", plugin: .nativePassword)],
                    databases: ["app"],
                    tls: .optional,
                    subnet: "subnet-b",
                    securityGroups: ["sg-db"]
                )
            ],
            network: NetworkSpec(
                vpcs: [
                    .init(
                        id: "vpc-app",
                        cidr: "10.0.0.0/16",
                        subnets: [
                            .init(id: "subnet-a", cidr: "10.0.1.0/24"), .init(id: "subnet-b", cidr: "10.0.2.0/24"),
                        ],
                        securityGroups: [
                            .init(id: "sg-db", ingress: [.init(ports: 3306, source: "sg-function")]),
                            .init(id: "sg-function"), .init(id: "sg-proxy"),
                        ]
                    )
                ],
                hosts: [
                    .init(id: "fn", subnet: "subnet-a", securityGroups: ["sg-function"]),
                    .init(id: "proxy-host", subnet: "subnet-a", securityGroups: ["sg-proxy"]),
                ],
                operatorHost: operatorHost,
                deniedConnections: denied
            )
        )
    }

    static func libmariadb(
        _ sandbox: Sandbox,
        from host: String?,
        connectTimeout: UInt32 = 5
    ) async throws -> MariaDBConnection {
        let database = sandbox.endpoints.databases["app-db"]!
        let bind = host.map { sandbox.endpoints.hosts![$0]!.loopback }
        return try await MariaDB.offload {
            try MariaDBConnection(
                .init(
                    host: database.host,
                    port: database.port,
                    user: "app",
                    password: "app-pw",
                    database: "app",
                    connectTimeout: connectTimeout,
                    readTimeout: connectTimeout,
                    bindAddress: bind
                )
            )
        }
    }

    func testAllowedAndResetPathsThroughBothClientsInTwoSandboxes() async throws {
        let first = try await Sandbox.start(Self.topology(denied: .reset))
        let second = try await Sandbox.start(Self.topology(denied: .reset))
        try await withSandbox(first) { first in
            try await withSandbox(second) { second in
                XCTAssertNotEqual(
                    first.endpoints.hosts?["fn"]?.loopback,
                    second.endpoints.hosts?["fn"]?.loopback,
                    "each sandbox has its own aliases"
                )
                XCTAssertEqual(first.endpoints.databases["app-db"]?.eni?.privateIp, "10.0.2.4")
                XCTAssertEqual(first.endpoints.operatorHost?.placement, "outside the VPC (rules see 203.0.113.10)")

                for sandbox in [first, second] {
                    let allowed = try await Self.libmariadb(sandbox, from: "fn")
                    XCTAssertEqual(try allowed.query("SELECT 1").rows, [["1"]])
                    let database = sandbox.endpoints.databases["app-db"]!
                    let ours = try await MySQLConnection.connect(
                        host: database.host,
                        port: database.port,
                        configuration: .init(username: "app", password: "app-pw", tls: .disabled),
                        sourceAddress: try SocketAddress(ipAddress: sandbox.endpoints.hosts!["fn"]!.loopback, port: 0)
                    )
                    let rows = try await ours.query("SELECT 2").textRows
                    XCTAssertEqual(rows, [["2"]])
                    await ours.close()
                }

                do {
                    _ = try await Self.libmariadb(first, from: "proxy-host")
                    XCTFail("sg-db does not admit sg-proxy")
                } catch let error as MariaDBError {
                    XCTAssertTrue(
                        [2002, 2013].contains(error.code),
                        "reset while connecting or before the greeting: \(error)"
                    )
                }
                do {
                    _ = try await Self.libmariadb(first, from: nil)
                    XCTFail("the operator outside the VPC is not admitted")
                } catch let error as MariaDBError {
                    XCTAssertTrue([2002, 2013].contains(error.code), "\(error)")
                }
                let denials = try XCTUnwrap(first.network?.deniedConnections)
                XCTAssertEqual(denials.map(\.source), ["proxy-host", "operator"])
                XCTAssertEqual(
                    denials.first?.explanations.map(\.text),
                    ["sg-db admits tcp/3306 only from sg-function; proxy-host is 10.0.1.5 in sg-proxy"]
                )
                XCTAssertEqual(
                    first.reach(from: "proxy-host", to: "app-db", port: 3306)?.explanations,
                    denials.first?.explanations,
                    "the log and the analysis say the same"
                )
                XCTAssertTrue(second.network?.deniedConnections.isEmpty ?? false, "the other sandbox saw none of it")
            }
        }
    }

    func testDroppedConnectionsLeaveTheClientWaitingUntilItsTimeout() async throws {
        try await withSandbox(Self.topology(denied: .drop)) { sandbox in
            let started = Date()
            do {
                _ = try await Self.libmariadb(sandbox, from: "proxy-host", connectTimeout: 1)
                XCTFail("a dropped connection never gets a greeting")
            } catch let error as MariaDBError {
                XCTAssertEqual(error.code, 2013, "\(error)")
                XCTAssertTrue(error.message.contains("reading initial communication packet"), error.message)
            }
            XCTAssertGreaterThanOrEqual(
                Date().timeIntervalSince(started),
                0.9,
                "no answer: the client waits for its own timeout"
            )
        }
    }

    func testOperatorPlacedInTheVPC() async throws {
        try await withSandbox(
            Self.topology(denied: .reset, operatorHost: .init(subnet: "subnet-a", securityGroups: ["sg-function"]))
        ) { sandbox in
            let connection = try await Self.libmariadb(sandbox, from: nil)
            XCTAssertEqual(try connection.query("SELECT 3").rows, [["3"]])
            XCTAssertEqual(sandbox.endpoints.operatorHost?.placement, "subnet-a in sg-function")
        }
    }
}
