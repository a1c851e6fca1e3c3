import Foundation
import SandboxAWSCore
import SandboxFakeAWS
import SandboxTesting
import XCTest

/// boto3 and the aws CLI, unmodified, against the endpoint: every call signed, verified and authorized.
final class Boto3ScenarioTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/aws")

    /// Runs a command with the endpoint's URL, region and root credentials, and no other AWS configuration.
    /// The aws CLI (v1) also gets `--endpoint-url`: for rds, sqs and emr in us-east-1 it replaces an unset
    /// `--endpoint-url` with the real service's host, ignoring AWS_ENDPOINT_URL.
    static func run(_ arguments: [String], endpoint: AWSEndpoint) async throws -> Subprocess.Result {
        var arguments = arguments
        if arguments.first == "aws" { arguments.insert(contentsOf: ["--endpoint-url", endpoint.url], at: 1) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["AWS_ENDPOINT_URL"] = endpoint.url
        environment["AWS_ACCESS_KEY_ID"] = endpoint.account.rootCredentials.accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = endpoint.account.rootCredentials.secretAccessKey
        environment["AWS_DEFAULT_REGION"] = endpoint.account.region
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        return try await Subprocess.runOffThread(arguments, environment: environment)
    }

    /// What a scenario script printed: its outcomes by key.
    struct Outcomes {
        let values: [String: Any]
        subscript(_ key: String) -> Any? { self.values[key] }
        /// The AWS error recorded under `key`, if the call failed.
        func error(_ key: String) -> (code: String, message: String)? {
            (self.values[key] as? [String: Any]).map { ($0["code"] as? String ?? "", $0["message"] as? String ?? "") }
        }
    }

    /// Runs a boto3 scenario from Fixtures/aws against `endpoint` (skipping when boto3 is missing).
    static func scenario(_ name: String, endpoint: AWSEndpoint) async throws -> Outcomes {
        let result = try await Self.run(
            ["python3", Self.fixtures.appendingPathComponent(name).path],
            endpoint: endpoint
        )
        try XCTSkipIf(result.stderr.contains("No module named 'boto3'"), "boto3 is not installed; run `make deps`")
        XCTAssertEqual(result.status, 0, result.stderr)
        return Outcomes(
            values: try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                result.stdout
            )
        )
    }

    func testBoto3SecretsRolesAndRefusals() async throws {
        let endpoint = try await self.serve(AWSEndpoint(account: AccountState()))
        let out = try await Self.scenario("secrets_scenario.py", endpoint: endpoint)
        let error = out.error
        XCTAssertEqual(out["root"] as? String, "arn:aws:iam::123456789012:root")
        XCTAssertEqual(out["app_identity"] as? String, "arn:aws:sts::123456789012:assumed-role/app-role/lambda-1")
        XCTAssertEqual(out["app_read"] as? [String: String], ["username": "admin", "password": "hunter2"])
        XCTAssertTrue(
            (out["secret_arn"] as? String ?? "").range(
                of: #"^arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-[A-Za-z0-9]{6}$"#,
                options: .regularExpression
            ) != nil
        )
        XCTAssertEqual(error("duplicate_role")?.code, "EntityAlreadyExists")
        XCTAssertEqual(error("malformed_policy")?.code, "MalformedPolicyDocument")
        XCTAssertEqual(error("duplicate_secret")?.code, "ResourceExistsException")
        XCTAssertEqual(error("app_list_denied")?.code, "AccessDeniedException")
        let denied = try XCTUnwrap(error("noperm_read"))
        XCTAssertEqual(denied.code, "AccessDeniedException")
        XCTAssertTrue(
            denied.message.hasPrefix(
                "User: arn:aws:sts::123456789012:assumed-role/no-perm-role/batch is not authorized to perform: "
                    + "secretsmanager:GetSecretValue on resource: "
                    + "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-"
            ),
            denied.message
        )
        XCTAssertEqual(error("assume_untrusted")?.code, "AccessDenied", "the proxy role trusts rds.amazonaws.com only")
        XCTAssertEqual(error("wrong_secret")?.code, "InvalidSignatureException")
        XCTAssertEqual(error("unknown_key")?.code, "InvalidClientTokenId")
        XCTAssertEqual(out["after_rotation"] as? String, "rotated")
        XCTAssertEqual(out["previous"] as? String, "hunter2")
        XCTAssertEqual(error("missing_secret")?.code, "ResourceNotFoundException")
        XCTAssertEqual(error("deleted_read")?.code, "InvalidRequestException")
        XCTAssertEqual(out["restored"] as? Bool, true)
    }

    func testAWSCLI() async throws {
        let endpoint = try await self.serve(AWSEndpoint(account: AccountState()))
        let identity = try await Self.run(
            ["aws", "sts", "get-caller-identity", "--output", "json"],
            endpoint: endpoint
        )
        try XCTSkipIf(
            identity.stderr.contains("No such file") || identity.status == 127,
            "the aws CLI is not installed; run `make deps`"
        )
        XCTAssertEqual(identity.status, 0, identity.stderr)
        XCTAssertTrue(identity.stdout.contains("\"Arn\": \"arn:aws:iam::123456789012:root\""), identity.stdout)
        let created = try await Self.run(
            [
                "aws", "secretsmanager", "create-secret", "--name", "cli-secret", "--secret-string",
                "{\"password\":\"p\"}",
            ],
            endpoint: endpoint
        )
        XCTAssertEqual(created.status, 0, created.stderr)
        let missing = try await Self.run(
            ["aws", "secretsmanager", "get-secret-value", "--secret-id", "nope"],
            endpoint: endpoint
        )
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("(ResourceNotFoundException)"), missing.stderr)
    }
}

/// KMS, the policy simulator, rotation records and the RDS proxy API through boto3 and the aws CLI.
final class KMSAndRDSScenarioTests: XCTestCase {
    static func endpointWithInstance() -> AWSEndpoint {
        let account = AccountState()
        account.registerDBInstance(
            DBInstanceRecord(
                identifier: "app-db",
                engineVersion: "8.0.36",
                address: "app-db.abc.us-east-1.rds.amazonaws.com",
                port: 3306,
                masterUsername: "admin",
                region: account.region,
                accountID: account.accountID
            )
        )
        return AWSEndpoint(account: account)
    }

    func testBoto3KMSSimulatorAndProxies() async throws {
        let endpoint = try await self.serve(Self.endpointWithInstance())
        let out = try await Boto3ScenarioTests.scenario("kms_rds_scenario.py", endpoint: endpoint)
        let error = out.error
        XCTAssertEqual(out["key_state"] as? String, "Enabled")
        XCTAssertEqual(out["described_by_alias"] as? Bool, true)
        XCTAssertEqual(
            error("cmk_denied")?.code,
            "AccessDeniedException",
            "the role lacks kms:Decrypt on the secret's CMK"
        )
        XCTAssertEqual(error("cmk_denied")?.message, "Access to KMS is not allowed")
        let simulated = try XCTUnwrap(out["simulated"] as? [String: [Any]])
        XCTAssertEqual(simulated["secretsmanager:GetSecretValue"]?.first as? String, "allowed")
        XCTAssertEqual(
            simulated["secretsmanager:GetSecretValue"]?.last as? [String],
            ["role/app-role/inline/read statement ReadAppSecret"]
        )
        XCTAssertEqual(simulated["kms:Decrypt"]?.first as? String, "implicitDeny")
        XCTAssertEqual(
            out["cmk_read"] as? String,
            "s3cret",
            "kms:Decrypt with kms:ViaService secretsmanager admits the read"
        )
        XCTAssertEqual(out["roundtrip"] as? String, "hello")
        XCTAssertEqual(error("wrong_context")?.code, "InvalidCiphertextException")
        let direct = try XCTUnwrap(error("direct_decrypt_denied"))
        XCTAssertEqual(direct.code, "AccessDeniedException", "the grant holds only through Secrets Manager")
        XCTAssertTrue(
            direct.message.hasSuffix("because no identity-based policy allows the kms:Decrypt action"),
            direct.message
        )
        let keyDeny = try XCTUnwrap(error("explicit_key_deny"))
        XCTAssertTrue(keyDeny.message.hasSuffix("with an explicit deny in a resource-based policy"), keyDeny.message)
        XCTAssertEqual(error("lockout")?.code, "MalformedPolicyDocumentException")
        XCTAssertEqual(error("missing_key")?.code, "NotFoundException")
        XCTAssertEqual(error("disabled_read")?.code, "DecryptionFailure")
        XCTAssertEqual(
            out["rotation"] as? [AnyHashable],
            ["True", 30, try XCTUnwrap(out["key_arn"] as? String)],
            "DescribeSecret names the key by ARN"
        )
        XCTAssertEqual(out["instance"] as? [AnyHashable], ["mysql", 3306, "db-"])
        XCTAssertEqual(
            out["proxy"] as? [AnyHashable],
            ["available", 1800, "True", "prx-", "app-proxy", "REQUIRED", "MYSQL_NATIVE_PASSWORD"]
        )
        XCTAssertEqual(out["pool_defaults"] as? [AnyHashable], ["default", 100, 50, 120])
        XCTAssertEqual(out["pool_modified"] as? Int, 80)
        XCTAssertEqual(error("pool_invalid")?.code, "InvalidParameterValue")
        XCTAssertEqual(out["target"] as? [AnyHashable], ["RDS_INSTANCE", "app-db", "REGISTERING"])
        XCTAssertEqual(out["targets"] as? Int, 1)
        XCTAssertEqual(error("twice_registered")?.code, "DBProxyTargetAlreadyRegisteredFault")
        XCTAssertEqual(error("unknown_instance")?.code, "DBInstanceNotFound")
        XCTAssertEqual(error("duplicate_proxy")?.code, "DBProxyAlreadyExistsFault")
        XCTAssertEqual(error("bad_name")?.code, "InvalidParameterValue")
        let passRole = try XCTUnwrap(error("pass_role_denied"))
        XCTAssertEqual(passRole.code, "AccessDenied")
        XCTAssertTrue(passRole.message.contains("is not authorized to perform: rds:CreateDBProxy"), passRole.message)
        XCTAssertEqual(out["modified_timeout"] as? Int, 600)
        XCTAssertEqual(error("deleted")?.code, "DBProxyNotFoundFault")
    }

    func testAWSCLICreatesAndDescribesAProxy() async throws {
        let endpoint = try await self.serve(Self.endpointWithInstance())
        let role = try await Boto3ScenarioTests.run(
            [
                "aws", "iam", "create-role", "--role-name", "proxy-role", "--assume-role-policy-document",
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                    + #""Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            ],
            endpoint: endpoint
        )
        try XCTSkipIf(role.status == 127, "the aws CLI is not installed; run `make deps`")
        XCTAssertEqual(role.status, 0, role.stderr)
        let created = try await Boto3ScenarioTests.run(
            [
                "aws", "rds", "create-db-proxy", "--db-proxy-name", "cli-proxy", "--engine-family", "MYSQL",
                "--role-arn", "arn:aws:iam::123456789012:role/proxy-role", "--vpc-subnet-ids", "subnet-1", "subnet-2",
                "--auth",
                "AuthScheme=SECRETS,SecretArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf,"
                    + "IAMAuth=DISABLED",
                "--require-tls", "--output", "json",
            ],
            endpoint: endpoint
        )
        XCTAssertEqual(created.status, 0, created.stderr)
        let described = try await Boto3ScenarioTests.run(
            ["aws", "rds", "describe-db-proxies", "--db-proxy-name", "cli-proxy", "--output", "json"],
            endpoint: endpoint
        )
        XCTAssertEqual(described.status, 0, described.stderr)
        let proxies = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any])?["DBProxies"]
                as? [[String: Any]]
        )
        XCTAssertEqual(proxies.first?["DBProxyName"] as? String, "cli-proxy")
        XCTAssertEqual(proxies.first?["RequireTLS"] as? Bool, true)
        XCTAssertEqual(proxies.first?["VpcSubnetIds"] as? [String], ["subnet-1", "subnet-2"])
        let missing = try await Boto3ScenarioTests.run(
            ["aws", "rds", "describe-db-proxies", "--db-proxy-name", "nope"],
            endpoint: endpoint
        )
        XCTAssertTrue(missing.stderr.contains("(DBProxyNotFoundFault)"), missing.stderr)
    }
}
