import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import XCTest

/// The default topology's front half, end to end: curl-style requests through the HTTP API to functions in the
/// VPC, IAM tokens and passwords through the proxy, and the misconfigurations customers meet, each seen as the
/// customer sees it (API Gateway's 502) and explained in the function's log, the proxy's decisions or the network's.
final class StackTests: XCTestCase {
    /// Starts the default topology and runs a Python scenario of Fixtures/lambda against its endpoints file.
    private func scenario(_ script: String) async throws -> (Sandbox, Subprocess.Result) {
        let (topology, base) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let sandbox = try await Sandbox.start(topology, baseDirectory: base)
        let file = sandbox.stateDirectory.appendingPathComponent("endpoints.json").path
        try sandbox.endpoints.write(to: file)
        let result = try await Subprocess.runOffThread(
            ["python3", TopologyTests.root.appendingPathComponent("Fixtures/lambda/\(script)").path],
            environment: ProcessInfo.processInfo.environment.merging(["ENDPOINTS": file]) { _, new in new }
        )
        return (sandbox, result)
    }

    func testDefaultStackAndItsMisconfigurations() async throws {
        let (sandbox, result) = try await self.scenario("stack_scenario.py")
        let iamLog = await sandbox.lambda.logs(of: "items-iam").joined(separator: "\n")
        let passwordLog = await sandbox.lambda.logs(of: "items-password").joined(separator: "\n")
        let pythonLog = await sandbox.lambda.logs(of: "items-python").joined(separator: "\n")
        let logins = sandbox.proxy("app-proxy")?.audit.all ?? []
        let denials = sandbox.network?.deniedConnections ?? []
        await sandbox.shutdown()
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains(#""done": true"#), result.stdout)

        XCTAssertTrue(logins.contains { $0.user == "app" && $0.reason.contains("rds-db:connect") }, "\(logins)")
        XCTAssertTrue(iamLog.contains("1045") && iamLog.contains("Access denied for user 'app'"), iamLog)
        XCTAssertTrue(iamLog.contains("3159") && iamLog.contains("This RDS Proxy requires TLS connections"), iamLog)
        XCTAssertTrue(
            denials.contains {
                $0.source == "items-password" && $0.explanations.contains { $0.code == "ENI_SG_RULES_MISMATCH" }
            },
            "\(denials)"
        )
        XCTAssertTrue(passwordLog.contains("timed out"), passwordLog)
        XCTAssertTrue(
            denials.contains {
                $0.source == "function items-python" && $0.explanations.contains { $0.code == "NO_PATH" }
            },
            "\(denials)"
        )
        XCTAssertTrue(pythonLog.contains("OperationalError") && pythonLog.contains("2003"), pythonLog)
        XCTAssertFalse((iamLog + passwordLog + pythonLog).contains("X-Amz-Signature="), "tokens never reach the log")
    }

    /// boto3, unmodified, against the Lambda and apigatewayv2 APIs (Fixtures/lambda/lambda_api_scenario.py).
    func testLambdaAndAPIGatewayAPIsThroughBoto3() async throws {
        let (sandbox, result) = try await self.scenario("lambda_api_scenario.py")
        await sandbox.shutdown()
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains(#""done": true"#), result.stdout)
    }
}
