import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

/// The SandboxTesting library as a test author uses it: a sandbox per test that is gone afterwards, logins
/// through a proxy as a role or with a password, and refusals that come with the proxy's reason.
final class SandboxTestingLibraryTests: XCTestCase {
    static let defaultTopology = TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path

    struct Planned: Error {}

    func testWithSandboxShutsDownEvenWhenTheTestThrows() async throws {
        var state: URL?
        do {
            try await withSandbox(file: Self.defaultTopology) { sandbox in
                state = sandbox.stateDirectory
                throw Planned()
            }
            XCTFail("the error comes back")
        } catch is Planned {}
        let directory = try XCTUnwrap(state)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path), "the sandbox's state is removed with it")
    }

    func testLoginsAsARoleAndRefusalsWithTheirReason() async throws {
        try await withSandbox(file: Self.defaultTopology) { sandbox in
            let connection = await assertLogin(
                sandbox,
                through: "app-proxy",
                as: .iam(role: "app-role", user: "app"),
                database: "app"
            )
            let user = try connection.map { try $0.query("SELECT CURRENT_USER()").rows }
            XCTAssertEqual(user?.first?.first??.hasPrefix("app@"), true)
            let reason = await assertLoginRefused(
                1045,
                sandbox,
                through: "app-proxy",
                as: .iam(role: "password-function-role", user: "app")
            )
            XCTAssertTrue(reason?.contains("rds-db:connect") ?? false, reason ?? "no reason logged")
            XCTAssertTrue(
                sandbox.explanation(proxy: "app-proxy").contains("app refused"),
                sandbox.explanation(proxy: "app-proxy")
            )
            await assertMySQLError(3159, explainedBy: sandbox) {
                _ = try await sandbox.connect(through: "app-proxy", as: .iam(role: "app-role", user: "app"), tls: false)
            }
        }
    }

    func testPathsTargetHealthAndRoutes() async throws {
        try await withSandbox(file: Self.defaultTopology) { sandbox in
            assertReachable(sandbox, from: "app-function", to: "app-db")
            let blocked = assertBlocked(sandbox, from: "batch-job", to: "app-db", because: "ENI_SG_RULES_MISMATCH")
            XCTAssertEqual(blocked?.explanations.first?.code, "ENI_SG_RULES_MISMATCH")
            await assertTargetHealth(sandbox, proxy: "app-proxy", .available)
            let body = await assertRoute(sandbox, "app-api", "GET", "/iam", status: 200, bodyContains: "/iam")
            XCTAssertNotNil(body)
            await assertRoute(
                sandbox,
                "app-api",
                "GET",
                "/nowhere/at/all",
                status: 200,
                bodyContains: "/nowhere/at/all"
            )  // the echo route
        }
    }
}
