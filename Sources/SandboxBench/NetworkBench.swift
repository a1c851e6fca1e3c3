import CloudSandbox
import Foundation
import Logging
import NIOCore
import SandboxMySQLNIO
import SandboxTesting
import SandboxVirtualNetwork

/// The cost of the virtual network: logins per second and SELECT 1 per second to the same instance with and
/// without security-group enforcement (and the toxic stage it installs), and how fast refusals are.
enum NetworkBench {
    static func run(logger: Logger) async throws {
        let user = Topology.DatabaseInstance.User(name: "app", password: "app-pw", plugin: .nativePassword)
        let open = Topology(databases: [.init(id: "db", users: [user], databases: ["app"], tls: .disabled)])
        var guarded = Topology(databases: [
            .init(
                id: "db",
                users: [user],
                databases: ["app"],
                tls: .disabled,
                subnet: "subnet-b",
                securityGroups: ["sg-db"]
            )
        ])
        guarded.network = NetworkSpec(
            vpcs: [
                .init(
                    id: "vpc-a",
                    cidr: "10.0.0.0/16",
                    subnets: [.init(id: "subnet-a", cidr: "10.0.1.0/24"), .init(id: "subnet-b", cidr: "10.0.2.0/24")],
                    securityGroups: [
                        .init(id: "sg-db", ingress: [.init(ports: 3306, source: "sg-app")]), .init(id: "sg-app"),
                        .init(id: "sg-other"),
                    ]
                )
            ],
            hosts: [
                .init(id: "app", subnet: "subnet-a", securityGroups: ["sg-app"]),
                .init(id: "other", subnet: "subnet-a", securityGroups: ["sg-other"]),
            ],
            deniedConnections: .reset
        )
        let plain = try await Sandbox.start(open, logger: logger)
        let enforced = try await Sandbox.start(guarded, logger: logger)
        return try await withSandbox(plain) { plain in
            try await withSandbox(enforced) { enforced in
                @Sendable func connect(_ sandbox: Sandbox, from host: String?) async throws -> MySQLConnection {
                    let database = sandbox.endpoints.databases["db"]!
                    let source = try host.map {
                        try SocketAddress(ipAddress: sandbox.endpoints.hosts![$0]!.loopback, port: 0)
                    }
                    return try await MySQLConnection.connect(
                        host: database.host,
                        port: database.port,
                        configuration: .init(username: "app", password: "app-pw", tls: .disabled),
                        sourceAddress: source
                    )
                }
                let loginsOpen = try await Measure.rate(count: 2_000) {
                    await (try await connect(plain, from: nil)).close()
                }
                let loginsEnforced = try await Measure.rate(count: 2_000) {
                    await (try await connect(enforced, from: "app")).close()
                }
                let refusals = await Measure.rate(count: 2_000) { _ = try? await connect(enforced, from: "other") }
                let openConnection = try await connect(plain, from: nil)
                let enforcedConnection = try await connect(enforced, from: "app")
                let queriesOpen = try await Measure.rate { _ = try await openConnection.query("SELECT 1") }
                let queriesEnforced = try await Measure.rate { _ = try await enforcedConnection.query("SELECT 1") }
                await openConnection.close()
                await enforcedConnection.close()

                var report = Report(["virtual network (our client, sequential)", "open", "enforced", "enforced / open"])
                report.add([
                    "logins per second (connect, handshake, auth, quit)", format(loginsOpen), format(loginsEnforced),
                    format(loginsEnforced / loginsOpen),
                ])
                report.add([
                    "SELECT 1 per second on one connection", format(queriesOpen), format(queriesEnforced),
                    format(queriesEnforced / queriesOpen),
                ])
                report.add(["refused connections per second (reset mode)", "", format(refusals), ""])
                report.print()
            }
        }
    }
}
