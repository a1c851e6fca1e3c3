import CloudSandbox
import Foundation
import SandboxLambda
import SandboxMariaDBClient
import SandboxTesting
import XCTest

/// Our SAM fixture (a parent stack with nested applications) and Terraform fixture (`terraform show -json` with a
/// child module) loaded as they are, started, and their route called end to end: API Gateway → the Python
/// handler → boto3's IAM token → PyMySQL over TLS → the RDS Proxy's IAM check → MySQL.
final class TemplateImportTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let templates = root.appendingPathComponent("Fixtures/templates")
    static let sam = templates.appendingPathComponent("sam/template.yaml").path
    static let terraform = templates.appendingPathComponent("terraform/state.json").path
    static let terraformPlan = templates.appendingPathComponent("terraform/plan.json").path

    func testSAMParentStackWithNestedApplicationsServesItsRouteThroughIAMAuth() async throws {
        let loaded = try TopologySource.load(
            path: Self.sam,
            options: .init(parameters: ["DatabaseCABundle": "${proxy-ca-bundle}"])
        )
        XCTAssertEqual(loaded.format, .cloudFormation)
        XCTAssertEqual(loaded.warnings, [], "every property of the fixture is modelled")
        let topology = loaded.topology
        let proxy = try XCTUnwrap(topology.proxies?.first)
        XCTAssertEqual(proxy.auth.first?.iamAuth, .required)
        // !Select [6, !Split [":", !GetAtt Proxy.DBProxyArn]] in the nested stack's output is the prx- id the proxy
        // gets.
        let role = try XCTUnwrap(topology.iam?.roles?.first { $0.name.contains("ItemsFunctionRole") })
        XCTAssertTrue(
            role.policies?.values.contains { $0.text.contains("dbuser:\(proxy.resourceId ?? "?")/app") } ?? false,
            "\(role)"
        )
        // Globals, Mappings, the parameter and !GetAtt of the nested stack's output land in the function.
        let function = try XCTUnwrap(topology.functions?.first)
        XCTAssertEqual(function.environment?["STAGE"], "dev")
        XCTAssertEqual(function.environment?["DB_HOST"], "${proxy:items-proxy}")
        XCTAssertEqual(function.memorySize, 256)
        XCTAssertEqual(
            topology.network?.operatorHost?.securityGroups,
            function.vpc?.securityGroups,
            "the operator sits where the function does"
        )

        try await withSandbox(topology, baseDirectory: loaded.baseDirectory) { sandbox in
            let (status, body) = try await sandbox.call("ItemsApi", "GET", "/items")
            XCTAssertEqual(status, 200, body + "\n" + sandbox.explanation())
            let answer = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
            XCTAssertEqual(answer?["user"], "app@%")
            XCTAssertEqual(answer?["database"], "items")
            let logins = sandbox.proxy("items-proxy")?.audit.all ?? []
            XCTAssertTrue(
                logins.contains { $0.user == "app" && $0.outcome == "accepted" && $0.reason.contains("IAM") },
                "\(logins)"
            )

            // The AWS::RDS::DBProxyEndpoint listens on its own name: IAM tokens are made for that name, not the
            // proxy's.
            XCTAssertEqual(proxy.endpoints?.map(\.name), ["items-admin"])
            let admin = try await sandbox.connect(
                through: "items-admin",
                as: .iam(role: role.name, user: "app"),
                database: "items"
            )
            let user = try await MariaDB.offload { try admin.query("SELECT CURRENT_USER()").rows }
            XCTAssertEqual(user, [["app@%"]])
            var misdirected = ConnectProbe(
                target: "items-admin",
                user: "app",
                iamRole: role.name,
                tokenHost: "${proxy:items-proxy}"
            )
            misdirected.database = "items"
            await assertMySQLError(1045) { _ = try await sandbox.connect(misdirected) }
            let refusal = sandbox.proxy("items-admin")?.audit.all.last?.reason ?? ""
            XCTAssertTrue(
                refusal.contains("IAM token was made for items-proxy.proxy-")
                    && refusal.contains("not this proxy endpoint (items-admin.endpoint.proxy-"),
                refusal
            )
        }
    }

    func testTerraformStateServesItsRouteThroughIAMAuth() async throws {
        let loaded = try TopologySource.load(
            path: Self.terraform,
            options: .init(environment: ["DB_CA_BUNDLE": "${proxy-ca-bundle}"])
        )
        XCTAssertEqual(loaded.format, .terraform)
        XCTAssertEqual(loaded.warnings, [])
        let topology = loaded.topology
        XCTAssertEqual(
            topology.proxies?.first?.resourceId,
            "prx-0f3a9c1d2e4b5a6c7",
            "the prx- id Terraform recorded, which the role's policy names"
        )
        XCTAssertEqual(topology.secrets?.first?.arnSuffix, "Ab12Cd")
        XCTAssertEqual(
            topology.functions?.first?.environment?["DB_HOST"],
            "${proxy:items-proxy}",
            "the recorded endpoint becomes the sandbox's"
        )
        XCTAssertEqual(
            topology.functions?.first?.workingDirectory.map { URL(fileURLWithPath: $0).lastPathComponent },
            "src",
            "archive_file's source_dir"
        )
        let groups = topology.network?.vpcs.first?.securityGroups ?? []
        XCTAssertEqual(
            groups.first { $0.id == "sg-0f00000000000a002" }?.ingress?.count,
            1,
            "the inline copy of the standalone rule is one rule"
        )

        try await withSandbox(topology, baseDirectory: loaded.baseDirectory) { sandbox in
            let (status, body) = try await sandbox.call("items-tf-api", "GET", "/items")
            XCTAssertEqual(status, 200, body + "\n" + sandbox.explanation())
            XCTAssertTrue(body.contains(#""user": "app@%""#) && body.contains(#""stage": "tf""#), body)
        }
    }

    /// The same stack as a plan (`terraform show -json` of `terraform plan -out`): ids, ARNs and endpoints known only
    /// after apply become the sandbox's own, found through the configuration's references (across the module's
    /// variables and outputs); a policy computed from a new proxy's ARN cannot be rebuilt and is a warning.
    func testTerraformPlanResolvesWhatApplyWouldLearnAndServesItsRoute() async throws {
        let options = TopologySource.Options(environment: ["DB_CA_BUNDLE": "${proxy-ca-bundle}"])
        let loaded = try TopologySource.load(path: Self.terraformPlan, options: options)
        XCTAssertEqual(loaded.format, .terraform)
        XCTAssertEqual(
            loaded.warnings.map(\.resource),
            ["aws_iam_role_policy.function_connect_exact"],
            "\(loaded.warnings)"
        )
        XCTAssertTrue(
            loaded.warnings.first?.message.contains("module.database.proxy_arn") ?? false,
            "\(loaded.warnings)"
        )
        let topology = loaded.topology
        XCTAssertEqual(
            try TopologySource.load(path: Self.terraformPlan, options: options).topology,
            topology,
            "the sandbox's ids are the same on every import"
        )
        XCTAssertTrue(
            topology.proxies?.first?.resourceId?.hasPrefix("prx-") ?? false,
            "\(String(describing: topology.proxies))"
        )
        XCTAssertEqual(topology.proxies?.first?.target, "items-db")
        XCTAssertEqual(
            topology.functions?.first?.environment?["DB_HOST"],
            "${proxy:items-proxy}",
            "the module output's endpoint becomes the sandbox's"
        )
        XCTAssertEqual(topology.functions?.first?.role, "items-function")
        let vpc = try XCTUnwrap(topology.network?.vpcs.first)
        XCTAssertEqual(
            Set(vpc.subnets.map(\.id)),
            Set(topology.functions?.first?.vpc?.subnets ?? []).union(topology.proxies?.first?.subnets ?? []),
            "the function's and the proxy's subnets (a splat through a module variable) are the planned subnets"
        )
        let proxyGroup = try XCTUnwrap(topology.proxies?.first?.securityGroups?.first)
        XCTAssertTrue(
            (vpc.securityGroups ?? []).contains {
                $0.id == proxyGroup
                    && $0.ingress?.contains { $0.source == topology.functions?.first?.vpc?.securityGroups.first }
                        == true
            }
        )

        try await withSandbox(topology, baseDirectory: loaded.baseDirectory) { sandbox in
            let (status, body) = try await sandbox.call("items-tf-api", "GET", "/items")
            XCTAssertEqual(status, 200, body + "\n" + sandbox.explanation())
            XCTAssertTrue(body.contains(#""user": "app@%""#), body)
        }
    }

    /// The seeds' other languages from SAM, on the same nested network and database: a go1.x function
    /// (`Handler: main`, CodeUri its Go sources, built by the sandbox as `sam build` would) logs in to the proxy with
    /// an IAM token and TLS, and a Node.js one (`nodejs20.x`, `index.handler`) runs under the sandbox's Node client;
    /// both answer through the HTTP API.
    func testGoAndNodeFunctionsFromSAMAnswerThroughTheHTTPAPI() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/go") else {
            throw XCTSkip("go is not installed (make deps installs golang-go)")
        }
        guard ProcessLauncher.shared.path != nil else { throw XCTSkip(ProcessLauncher.shared.warning ?? "no launcher") }
        let loaded = try TopologySource.load(path: Self.templates.appendingPathComponent("sam/polyglot.yaml").path)
        XCTAssertEqual(loaded.warnings, [])
        let go = try XCTUnwrap(loaded.topology.functions?.first { $0.name == "items-go" })
        XCTAssertEqual(
            [go.runtime, go.handler, go.workingDirectory],
            ["go1.x", "main", Self.root.appendingPathComponent("Fixtures/lambda/go").path]
        )
        XCTAssertEqual(go.managedRuntime, .go)
        let node = try XCTUnwrap(loaded.topology.functions?.first { $0.name == "orders-node" })
        XCTAssertNil(node.command, "the runtime's client is the sandbox's, found when it starts")
        XCTAssertEqual(node.managedRuntime, .nodejs)
        try await withSandbox(loaded.topology, baseDirectory: loaded.baseDirectory) { sandbox in
            let (status, body) = try await sandbox.call("ItemsApi", "GET", "/items-go")
            let log = await sandbox.lambda.logs(of: "items-go").joined(separator: "\n")
            XCTAssertEqual(status, 200, body + "\n" + log + "\n" + sandbox.explanation())
            XCTAssertEqual(try JSONValue(parsing: Array(body.utf8)), ["user": "app@%", "runtime": "go"])
            let (nodeStatus, nodeBody) = try await sandbox.call("ItemsApi", "GET", "/orders")
            XCTAssertEqual(nodeStatus, 200, nodeBody)
            XCTAssertTrue(nodeBody.contains(#""runtime":"node""#) && nodeBody.contains(#""path":"/orders""#), nodeBody)
        }
    }

    /// java*, dotnet* and ruby* functions import unbound with the runtime client they need and what to do instead.
    func testRuntimesWithoutAClientSayWhatTheyNeed() throws {
        let code = Self.root.appendingPathComponent("Fixtures/lambda/node").path
        let template = try self.write(
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              JavaFunction:
                Type: AWS::Serverless::Function
                Properties: {Runtime: java21, Handler: "example.Handler::handleRequest", CodeUri: \(code)}
              DotnetFunction:
                Type: AWS::Serverless::Function
                Properties: {Runtime: dotnet8, Handler: "Orders::Orders.Function::Handler", CodeUri: \(code)}
            """
        )
        let loaded = try TopologySource.load(path: template)
        let reasons = (loaded.topology.functions ?? []).compactMap { $0.builtin?.unbound?.reason }.sorted()
        XCTAssertEqual(reasons.count, 2)
        XCTAssertTrue(
            reasons[0].hasPrefix("runtime dotnet8 needs AWS's .NET runtime support (Amazon.Lambda.RuntimeSupport)"),
            reasons[0]
        )
        XCTAssertTrue(reasons[1].hasPrefix("runtime java21 needs AWS's Java runtime interface client"), reasons[1])
        XCTAssertTrue(
            reasons.allSatisfy { $0.contains("give the function a `command` that starts its Runtime API client") },
            "\(reasons)"
        )
    }

    /// A function the sandbox cannot run says at invoke time how to bind code to it; a Swift handler bound by its
    /// logical id then runs instead. Unsupported types and properties are warnings naming the resource.
    func testUnrunnableCodeUnsupportedTypesAndProperties() async throws {
        let template = try self.write(
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Queue:
                Type: AWS::SQS::Queue
              NodeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: nodejs20.x
                  Handler: index.handler
                  CodeUri: s3://artifacts/node.zip
                  SnapStart: {ApplyOn: PublishedVersions}
            """
        )
        let loaded = try TopologySource.load(path: template)
        XCTAssertEqual(
            loaded.warnings.map(\.description),
            [
                "NodeFunction (AWS::Serverless::Function): property SnapStart is not modelled and has no effect in "
                    + "the sandbox",
                "Queue (AWS::SQS::Queue): this resource type is not modelled by the sandbox and is left out",
            ]
        )
        let name = try XCTUnwrap(loaded.topology.functions?.first?.name)
        try await withSandbox(loaded.topology) { sandbox in
            let result = try await sandbox.lambda.invoke(name, payload: Array("{}".utf8))
            let error = String(decoding: result.payload, as: UTF8.self)
            XCTAssertEqual(result.functionError, "Unhandled")
            XCTAssertTrue(
                error.contains(
                    "has no code the sandbox can run: its code (s3://artifacts/node.zip) is not a local folder"
                ),
                error
            )
            XCTAssertTrue(
                error.contains("pass a Swift handler named 'NodeFunction' in Sandbox.start(handlers:)"),
                error
            )
        }
        try await withSandbox(loaded.topology, handlers: ["NodeFunction": { _, _ in .string("bound") }]) { sandbox in
            let result = try await sandbox.lambda.invoke(name, payload: Array("{}".utf8))
            XCTAssertEqual(String(decoding: result.payload, as: UTF8.self), #""bound""#)
        }
    }

    /// Aurora PostgreSQL and an RDS Proxy for PostgreSQL from a template: the cluster runs as aurora-postgresql, the
    /// proxy speaks PostgreSQL, and psql logs in through it with the master secret's password over verified TLS.
    func testAuroraPostgreSQLBehindAProxyFromATemplate() async throws {
        let template = try self.write(
            """
            Resources:
              ProxyRole:
                Type: AWS::IAM::Role
                Properties:
                  RoleName: proxy-role
                  AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: \
            {Service: rds.amazonaws.com}, Action: "sts:AssumeRole"}]}
                  Policies: [{PolicyName: secrets, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: \
            Allow, Action: "secretsmanager:GetSecretValue", Resource: "*"}]}}]
              Cluster:
                Type: AWS::RDS::DBCluster
                Properties: {DBClusterIdentifier: items, Engine: aurora-postgresql, EngineVersion: "15.4", \
            MasterUsername: master, ManageMasterUserPassword: true, DatabaseName: items}
              Writer:
                Type: AWS::RDS::DBInstance
                Properties: {DBClusterIdentifier: !Ref Cluster, Engine: aurora-postgresql, DBInstanceIdentifier: \
            items-1, DBInstanceClass: db.r6g.large}
              Reader:
                Type: AWS::RDS::DBInstance
                Properties: {DBClusterIdentifier: !Ref Cluster, Engine: aurora-postgresql, DBInstanceIdentifier: \
            items-2, DBInstanceClass: db.r6g.large}
              Proxy:
                Type: AWS::RDS::DBProxy
                Properties:
                  DBProxyName: items-proxy
                  EngineFamily: POSTGRESQL
                  RoleArn: !GetAtt ProxyRole.Arn
                  RequireTLS: true
                  Auth: [{AuthScheme: SECRETS, SecretArn: !GetAtt Cluster.MasterUserSecret.SecretArn, IAMAuth: \
            DISABLED, ClientPasswordAuthType: POSTGRES_SCRAM_SHA_256}]
              TargetGroup:
                Type: AWS::RDS::DBProxyTargetGroup
                Properties: {DBProxyName: !Ref Proxy, TargetGroupName: default, DBClusterIdentifiers: [!Ref Cluster]}
              Legacy:
                Type: AWS::RDS::DBInstance
                Properties: {DBInstanceIdentifier: legacy, Engine: oracle-ee, MasterUsername: admin, \
            MasterUserPassword: x}
            """
        )
        let loaded = try TopologySource.load(path: template)
        XCTAssertEqual(loaded.topology.clusters?.first?.engine, .auroraPostgreSQL)
        XCTAssertEqual(loaded.topology.proxies?.first?.engineFamily, "POSTGRESQL")
        XCTAssertTrue(
            loaded.warnings.map(\.description).contains {
                $0.hasPrefix("Legacy (AWS::RDS::DBInstance): Engine oracle-ee is not modelled")
            },
            "\(loaded.warnings)"
        )
        try await withSandbox(loaded.topology) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["items-proxy"])
            let password = try XCTUnwrap(sandbox.endpoints.databases["items-1"]?.users["master"])
            let psql = try await Psql.run(
                .init(
                    host: proxy.host,
                    port: proxy.port,
                    user: "master",
                    password: password,
                    database: "items",
                    sslMode: "verify-ca",
                    rootCertificate: proxy.caBundle
                ),
                ["SELECT current_user, pg_is_in_recovery()"]
            )
            XCTAssertEqual(psql.stdout, "master|f\n", psql.stderr)
            XCTAssertEqual(sandbox.account.dbCluster("items")?.engine, "aurora-postgresql")
        }
    }

    /// A Terraform state's PostgreSQL databases: an aurora-postgresql cluster and a postgres instance run as such, an
    /// engine the sandbox does not run is left out with a warning.
    func testPostgreSQLFromATerraformState() throws {
        func resource(_ type: String, _ name: String, _ values: String) -> String {
            #"{"address": "\#(type).\#(name)", "mode": "managed", "type": "\#(type)", "name": "\#(name)", "#
                + #""values": \#(values)}"#
        }
        let state = try self.write(
            #"{"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": ["#
                + [
                    resource(
                        "aws_rds_cluster",
                        "items",
                        #"{"cluster_identifier": "items", "engine": "aurora-postgresql", "master_username": "#
                            + #""master", "master_password": "m-Passw0rd"}"#
                    ),
                    resource(
                        "aws_rds_cluster_instance",
                        "writer",
                        #"{"identifier": "items-1", "cluster_identifier": "items"}"#
                    ),
                    resource(
                        "aws_db_instance",
                        "reports",
                        #"{"identifier": "reports", "engine": "postgres", "username": "admin", "password": "#
                            + #""r-Passw0rd", "iam_database_authentication_enabled": true}"#
                    ),
                    resource(
                        "aws_db_instance",
                        "legacy",
                        #"{"identifier": "legacy", "engine": "sqlserver-ex", "username": "sa", "password": "x"}"#
                    ),
                ].joined(separator: ", ")
                + "]}}}"
        )
        let loaded = try TopologySource.load(path: state)
        XCTAssertEqual(loaded.topology.clusters?.map(\.engine), [.auroraPostgreSQL])
        XCTAssertEqual(loaded.topology.databases.map(\.id), ["reports"])
        XCTAssertEqual(loaded.topology.databases.first?.engine, .postgres)
        XCTAssertEqual(loaded.topology.databases.first?.iamDatabaseAuthentication, true)
        XCTAssertTrue(
            loaded.warnings.contains { $0.description.contains("engine sqlserver-ex is not modelled") },
            "\(loaded.warnings)"
        )
    }

    /// Broken templates are refused with the file, the line, what is wrong and what to change.
    func testBadTemplatesNameTheFileLineAndFix() throws {
        let cases: [(String, [String: String], String)] = [
            (
                "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref "
                    + "Stge\nParameters:\n  Stage: {Type: String, Default: dev}\n",
                [:],
                ":5: Resources.Role.Properties.RoleName.Ref: Ref names Stge, which is not a parameter, pseudo "
                    + "parameter or resource of t.yaml"
            ),
            (
                "Parameters:\n  Size: {Type: Number}\nResources:\n  Key: {Type: AWS::KMS::Key, Properties: "
                    + "{Description: !Ref Size}}\n",
                ["Size": "large"], ":2: Parameters.Size: 'large' is not a number, and the parameter's Type is Number"
            ),
            (
                "Parameters:\n  Stage: {Type: String, AllowedValues: [dev, prod]}\nResources:\n  Key: {Type: "
                    + "AWS::KMS::Key, Properties: {Description: !Ref Stage}}\n",
                ["Stage": "test"], "Parameters.Stage: 'test' is not one of its AllowedValues: dev, prod"
            ),
            (
                "Parameters:\n  Stage: {Type: String}\nResources:\n  Key: {Type: AWS::KMS::Key, Properties: "
                    + "{Description: !Ref Stage}}\n",
                [:], "Parameters.Stage: has no Default and no value was given; pass --param Stage=VALUE"
            ),
            (
                "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !GetAtt B.Arn\n  "
                    + "B:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !GetAtt A.Arn\n",
                [:], "Properties.RoleName → Resources."
            ),
            (
                "Resources:\n  Key: {Type: AWS::KMS::Key}\n", ["Stage": "dev"],
                "--param Stage: the template has no such parameter"
            ),
            (
                "Resources:\n  Key: {Type: AWS::KMS::Key, Properties: {Description: !Sub '${Missing.Arn}'}}\n", [:],
                "Fn::GetAtt names Missing, which is not a resource of t.yaml"
            ),
            ("Resources: [unclosed\n", [:], "is not valid YAML or JSON"),
        ]
        for (text, parameters, expected) in cases {
            let path = try self.write(text)
            XCTAssertThrowsError(try TopologySource.load(path: path, options: .init(parameters: parameters)), expected)
            { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)\nexpected: \(expected)")
                XCTAssertTrue("\(error)".hasPrefix(path), "\(error) names the file")
            }
        }
    }

    func testDetectsTheKindOfFileFromItsContent() throws {
        XCTAssertEqual(TopologySource.detect("region: us-east-1\ndatabases: []\n"), .topology)
        XCTAssertEqual(
            TopologySource.detect("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"),
            .cloudFormation
        )
        XCTAssertEqual(
            TopologySource.detect(#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#),
            .terraform
        )
        XCTAssertEqual(
            try TopologySource.load(path: Self.root.appendingPathComponent("Sandbox/default.yaml").path).format,
            .topology
        )
    }

    private func write(_ text: String) throws -> String {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "import-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("t.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}
