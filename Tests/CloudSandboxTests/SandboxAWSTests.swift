import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

/// The default topology's AWS side through the aws CLI: the endpoints file's credentials work, each principal
/// gets exactly what its policies allow, and the database secrets hold the instances' real credentials.
final class SandboxAWSTests: XCTestCase {
    static func aws(_ arguments: [String], as name: String, in endpoints: Endpoints) async throws -> Subprocess.Result {
        let environment = try Self.environment(as: name, in: endpoints)
        // --endpoint-url, not AWS_ENDPOINT_URL: aws CLI v1 replaces an unset --endpoint-url for rds in us-east-1.
        return try await Subprocess.runOffThread(
            ["aws", "--endpoint-url", environment["AWS_ENDPOINT_URL"]!, "--output", "json"] + arguments,
            environment: environment
        )
    }

    /// This process's environment with `name`'s credentials, the region and the endpoint (for boto3) and no other AWS
    /// configuration.
    static func environment(as name: String, in endpoints: Endpoints) throws -> [String: String] {
        let aws = try XCTUnwrap(endpoints.aws)
        let credentials = try XCTUnwrap(endpoints.credentials?[name], "credentials for \(name)")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["AWS_ENDPOINT_URL"] = aws.endpoint
        environment["AWS_ACCESS_KEY_ID"] = credentials.accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
        environment["AWS_SESSION_TOKEN"] = credentials.sessionToken
        environment["AWS_DEFAULT_REGION"] = aws.region
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        return environment
    }

    func testDefaultTopologyPrincipalsKeysAndSecrets() async throws {
        let (topology, base) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        try await withSandbox(topology, baseDirectory: base) { sandbox in
            let endpoints = sandbox.endpoints
            XCTAssertEqual(endpoints.aws?.accountId, "123456789012")
            XCTAssertEqual(
                endpoints.credentials.map { $0.keys.sorted() },
                ["app-role", "developer", "password-function-role", "proxy-role", "root"]
            )
            XCTAssertNotNil(
                endpoints.credentials?["proxy-role"]?.sessionToken,
                "role credentials are session credentials"
            )

            let identity = try await Self.aws(["sts", "get-caller-identity"], as: "proxy-role", in: endpoints)
            try XCTSkipIf(identity.status == 127, "the aws CLI is not installed; run `make deps`")
            XCTAssertTrue(
                identity.stdout.contains("arn:aws:sts::123456789012:assumed-role/proxy-role/cloudsandbox"),
                identity.stdout + identity.stderr
            )

            let read = try await Self.aws(
                ["secretsmanager", "get-secret-value", "--secret-id", "app-db/app"],
                as: "proxy-role",
                in: endpoints
            )
            XCTAssertEqual(read.status, 0, read.stderr)
            let secret = try XCTUnwrap(
                (try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])?["SecretString"]
                    as? String
            )
            let value = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(secret.utf8)) as? [String: Any])
            let database = try XCTUnwrap(endpoints.databases["app-db"])
            XCTAssertEqual(value["password"] as? String, database.users["app"])
            XCTAssertEqual(value["port"] as? Int, database.port)
            XCTAssertEqual(value["host"] as? String, database.endpoint)

            let developer = try await Self.aws(
                ["secretsmanager", "get-secret-value", "--secret-id", "app-db/admin"],
                as: "developer",
                in: endpoints
            )
            XCTAssertEqual(developer.status, 0, developer.stderr)
            let denied = try await Self.aws(
                ["secretsmanager", "get-secret-value", "--secret-id", "app-db/app"],
                as: "app-role",
                in: endpoints
            )
            XCTAssertTrue(
                denied.stderr.contains("(AccessDeniedException)")
                    && denied.stderr.contains(
                        "assumed-role/app-role/cloudsandbox is not authorized to perform: secretsmanager:GetSecretValue"
                    ),
                denied.stderr
            )

            let instances = try await Self.aws(["rds", "describe-db-instances"], as: "root", in: endpoints)
            XCTAssertEqual(instances.status, 0, instances.stderr)
            XCTAssertTrue(
                instances.stdout.contains("\"Port\": \(database.port)") && instances.stdout.contains(database.endpoint),
                instances.stdout
            )
            let key = try await Self.aws(
                ["kms", "describe-key", "--key-id", "alias/app-secrets"],
                as: "root",
                in: endpoints
            )
            XCTAssertTrue(
                key.stdout.contains("\"Description\": \"Encrypts the database credentials\""),
                key.stdout + key.stderr
            )
        }
    }
}
