import CloudSandbox
import SandboxTesting
import Testing

/// The SandboxTesting library from Swift Testing: the `.sandbox(file:)` trait gives the test its sandbox, and the
/// assertions record Swift Testing issues (with the sandbox's explanation) when they fail.
@Suite(.sandbox(file: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path))
struct SandboxTraitTests {
    @Test func aTestGetsItsSandboxAndLogsInAsARole() async throws {
        let sandbox = try #require(Sandbox.current)
        let connection = await assertLogin(
            sandbox,
            through: "app-proxy",
            as: .iam(role: "app-role", user: "app"),
            database: "app"
        )
        #expect(connection != nil)
        let reason = await assertLoginRefused(
            1045,
            sandbox,
            through: "app-proxy",
            as: .iam(role: "password-function-role", user: "app")
        )
        #expect(reason?.contains("rds-db:connect") == true)
    }

    @Test func aFailedAssertionIsAnIssueThatCarriesTheExplanation() async throws {
        let sandbox = try #require(Sandbox.current)
        await withKnownIssue {
            await assertMySQLError(3159, explainedBy: sandbox) {  // it is 1045: the role may not rds-db:connect
                _ = try await sandbox.connect(
                    through: "app-proxy",
                    as: .iam(role: "password-function-role", user: "app")
                )
            }
        } matching: { issue in
            issue.comments.contains {
                $0.rawValue.contains("got ERROR 1045") && $0.rawValue.contains("proxy app-proxy: app refused")
            }
        }
    }
}
