import Foundation
import HummingbirdTesting
import OrdersApp
import SandboxTesting
import XCTest

/// The app started against a sandbox: its route reads the orders database through the RDS Proxy, logging in as the
/// app's role with an IAM token over TLS, from where the topology places this machine (the operator host, in the
/// app subnet behind sg-app).
final class OrdersAppTests: XCTestCase {
    private var topology: String {
        get throws {
            try XCTUnwrap(Bundle.module.url(forResource: "Resources", withExtension: nil)).appendingPathComponent("topology.yaml").path
        }
    }

    func testTheRouteReadsThroughTheProxyWithTheAppRole() async throws {
        try await withSandbox(file: try self.topology) { sandbox in
            let app = buildApplication(database: ProxyDatabase(sandbox: sandbox, role: "orders-app"), port: 0)
            try await app.test(.live) { client in
                try await client.execute(uri: "/orders", method: .get) { response in
                    XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                    XCTAssertEqual(try JSONDecoder().decode(OrdersSummary.self, from: Data(String(buffer: response.body).utf8)), OrdersSummary(user: "orders_app@%", orders: 2))
                }
            }
        }
    }

    func testARoleWithoutRdsDbConnectGetsTheProxysRefusal() async throws {
        try await withSandbox(file: try self.topology) { sandbox in
            let app = buildApplication(database: ProxyDatabase(sandbox: sandbox, role: "reporting"), port: 0)
            try await app.test(.live) { client in
                try await client.execute(uri: "/orders", method: .get) { response in
                    XCTAssertEqual(response.status, .serviceUnavailable)
                    XCTAssertTrue(String(buffer: response.body).contains("Access denied for user 'orders_app'@'%'"), String(buffer: response.body))
                }
            }
        }
    }
}

/// The app's database in the tests: a login through the sandbox's proxy with an IAM token of `role`, TLS verified
/// against the proxy's CA bundle, per request.
struct ProxyDatabase: OrdersDatabase {
    let sandbox: Sandbox
    let role: String

    func rows(_ sql: String) async throws -> [[String?]] {
        let connection = try await self.sandbox.connect(through: "orders-proxy", as: .iam(role: self.role, user: "orders_app"), database: "orders")
        return try await MariaDB.offload { try connection.query(sql).rows }
    }
}
