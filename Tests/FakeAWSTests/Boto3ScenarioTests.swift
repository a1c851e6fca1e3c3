import FakeAWS
import Foundation
import SandboxTesting
import XCTest

/// boto3 and the aws CLI, unmodified, against the endpoint: every call signed, verified and authorized.
final class Boto3ScenarioTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/aws")

    /// Runs a command with the endpoint's URL, region and root credentials, and no other AWS configuration.
    static func run(_ arguments: [String], endpoint: AWSEndpoint) async throws -> Subprocess.Result {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["AWS_ENDPOINT_URL"] = endpoint.url
        environment["AWS_ACCESS_KEY_ID"] = endpoint.account.rootCredentials.accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = endpoint.account.rootCredentials.secretAccessKey
        environment["AWS_DEFAULT_REGION"] = endpoint.account.region
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        return try await Subprocess.runOffThread(arguments, environment: environment)
    }

    func testBoto3SecretsRolesAndRefusals() async throws {
        let endpoint = try await AWSEndpoint.start(account: AccountState())
        defer { Task { await endpoint.stop() } }
        let script = Self.fixtures.appendingPathComponent("secrets_scenario.py").path
        let result = try await Self.run(["python3", script], endpoint: endpoint)
        try XCTSkipIf(result.stderr.contains("No module named 'boto3'"), "boto3 is not installed; run `make deps`")
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        func error(_ key: String) -> (code: String, message: String)? {
            (out[key] as? [String: Any]).map { ($0["code"] as? String ?? "", $0["message"] as? String ?? "") }
        }
        XCTAssertEqual(out["root"] as? String, "arn:aws:iam::123456789012:root")
        XCTAssertEqual(out["app_identity"] as? String, "arn:aws:sts::123456789012:assumed-role/app-role/lambda-1")
        XCTAssertEqual(out["app_read"] as? [String: String], ["username": "admin", "password": "hunter2"])
        XCTAssertTrue((out["secret_arn"] as? String ?? "").range(of: #"^arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-[A-Za-z0-9]{6}$"#, options: .regularExpression) != nil)
        XCTAssertEqual(error("duplicate_role")?.code, "EntityAlreadyExists")
        XCTAssertEqual(error("malformed_policy")?.code, "MalformedPolicyDocument")
        XCTAssertEqual(error("duplicate_secret")?.code, "ResourceExistsException")
        XCTAssertEqual(error("app_list_denied")?.code, "AccessDeniedException")
        let denied = try XCTUnwrap(error("noperm_read"))
        XCTAssertEqual(denied.code, "AccessDeniedException")
        XCTAssertTrue(denied.message.hasPrefix("User: arn:aws:sts::123456789012:assumed-role/no-perm-role/batch is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-"), denied.message)
        XCTAssertEqual(error("assume_untrusted")?.code, "AccessDenied", "the proxy role trusts rds.amazonaws.com only")
        XCTAssertEqual(error("wrong_secret")?.code, "InvalidSignatureException")
        XCTAssertEqual(error("unknown_key")?.code, "InvalidClientTokenId")
        XCTAssertEqual(out["after_rotation"] as? String, "rotated")
        XCTAssertEqual(out["previous"] as? String, "hunter2")
        XCTAssertEqual(error("missing_secret")?.code, "ResourceNotFoundException")
        XCTAssertEqual(error("deleted_read")?.code, "InvalidRequestException")
        XCTAssertEqual(out["restored"] as? Bool, true)
        XCTAssertFalse(result.stdout.isEmpty)
    }

    func testAWSCLI() async throws {
        let endpoint = try await AWSEndpoint.start(account: AccountState())
        defer { Task { await endpoint.stop() } }
        let identity = try await Self.run(["aws", "sts", "get-caller-identity", "--output", "json"], endpoint: endpoint)
        try XCTSkipIf(identity.stderr.contains("No such file") || identity.status == 127, "the aws CLI is not installed; run `make deps`")
        XCTAssertEqual(identity.status, 0, identity.stderr)
        XCTAssertTrue(identity.stdout.contains("\"Arn\": \"arn:aws:iam::123456789012:root\""), identity.stdout)
        let created = try await Self.run(["aws", "secretsmanager", "create-secret", "--name", "cli-secret", "--secret-string", "{\"password\":\"p\"}"], endpoint: endpoint)
        XCTAssertEqual(created.status, 0, created.stderr)
        let missing = try await Self.run(["aws", "secretsmanager", "get-secret-value", "--secret-id", "nope"], endpoint: endpoint)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("(ResourceNotFoundException)"), missing.stderr)
    }
}
