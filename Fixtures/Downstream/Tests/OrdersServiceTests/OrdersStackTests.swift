import Foundation
import SandboxTesting
import XCTest

/// The orders stack as the team deploys it, tested from its own package: IAM logins through the proxy, the
/// security groups, and its Python function answering its route through the proxy by DNS name.
final class OrdersStackTests: XCTestCase {
    private var topology: String {
        get throws { try XCTUnwrap(Bundle.module.url(forResource: "Resources", withExtension: nil)).appendingPathComponent("topology.yaml").path }
    }

    func testTheFunctionAnswersThroughTheProxyWithIAM() async throws {
        try await withSandbox(file: try self.topology) { sandbox in
            let (status, body) = try await sandbox.call("orders-api", "GET", "/orders")
            let log = await sandbox.lambda.logs(of: "orders").suffix(20).joined(separator: "\n")
            XCTAssertEqual(status, 200, "\(body)\n\(log)")
            XCTAssertEqual(body, #"{"user": "orders_app@%", "orders": 2}"#)
        }
    }

    func testOnlyTheFunctionRoleLogsInAndTheDatabaseIsOnlyReachedThroughTheProxy() async throws {
        try await withSandbox(file: try self.topology) { sandbox in
            let connection = await assertLogin(sandbox, through: "orders-proxy", as: .iam(role: "orders-function", user: "orders_app"), database: "orders")
            XCTAssertNotNil(connection)
            await assertLoginRefused(1045, sandbox, through: "orders-proxy", as: .iam(role: "reporting", user: "orders_app"), database: "orders")
            assertBlocked(sandbox, from: "batch-job", to: "orders-db")
        }
    }
}
