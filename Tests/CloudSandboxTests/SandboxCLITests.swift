import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxTesting
import XCTest

/// `sandbox reach` on the default topology and `sandbox toxic` against a running sandbox.
final class SandboxCLITests: XCTestCase {
    static var executable: String? {
        let built = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("sandbox").path
        let fallback = TopologyTests.root.appendingPathComponent(".build/debug/sandbox").path
        return [built, fallback].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the `sandbox` executable; `environment` adds to (or overrides) this process's variables.
    func sandbox(_ arguments: [String], environment: [String: String] = [:]) async throws -> Subprocess.Result {
        let executable = try XCTUnwrap(Self.executable, "build the sandbox executable first (swift build)")
        let inherited = ProcessInfo.processInfo.environment.filter { $0.key != "COLUMNS" }
        return try await Subprocess.runOffThread(
            [executable] + arguments,
            environment: inherited.merging(environment) { $1 }
        )
    }

    func testReachExplainsTheDefaultTopology() async throws {
        let topology = TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        let allowed = try await self.sandbox(["reach", "app-function", "app-db", "3306", "--topology", topology])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(
            allowed.stdout.hasPrefix(
                "path found: app-function (10.0.1.5 in subnet-app-a, sg-function) → app-db tcp/3306"
            ),
            allowed.stdout
        )
        let blocked = try await self.sandbox(["reach", "batch-job", "app-db", "3306", "--topology", topology])
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(
            blocked.stdout.contains(
                "ENI_SG_RULES_MISMATCH: sg-db admits tcp/3306 only from sg-proxy, sg-function, sg-operator; "
                    + "batch-job is 10.0.1.6 in sg-batch"
            ),
            blocked.stdout
        )
        let json = try await self.sandbox(["reach", "batch-job", "app-db", "3306", "--topology", topology, "--json"])
        let answer = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any],
            json.stdout + json.stderr
        )
        XCTAssertEqual(answer["reachable"] as? Bool, false)
        XCTAssertEqual((answer["explanations"] as? [[String: Any]])?.first?["code"] as? String, "ENI_SG_RULES_MISMATCH")
        let unknown = try await self.sandbox(["reach", "nobody", "app-db", "3306", "--topology", topology])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(
            unknown.stderr.contains(
                "its interfaces belong to: vpce-secrets, app-db, app-function, batch-job, app-proxy, items-iam, "
                    + "items-password, items-python, items-go, operator"
            ),
            unknown.stderr
        )
    }

    /// `sandbox validate` and `sandbox import` on a template: the import's report on stderr, the topology on stdout
    /// with the generated password redacted, `reach` in the imported network; a broken parameter exits non-zero.
    func testValidateImportAndReachATemplate() async throws {
        let template = TopologyTests.root.appendingPathComponent("Fixtures/templates/sam/template.yaml").path
        let validate = try await self.sandbox(["validate", template])
        XCTAssertEqual(validate.status, 0, validate.stderr)
        XCTAssertTrue(
            validate.stderr.contains(
                "CloudFormation/SAM template imported (1 database, 1 proxy, 1 function, 1 API, 1 secret, 2 roles)"
            ),
            validate.stderr
        )
        XCTAssertTrue(
            validate.stderr.contains(
                "takes the network placement of function items-dev: subnet-privatesubneta with sg-functionsecuritygroup"
            ),
            validate.stderr
        )
        let imported = try await self.sandbox(["import", template, "--param", "Stage=prod"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(
            imported.stdout.contains("name: items-prod") && imported.stdout.contains("memorySize: 1024"),
            imported.stdout
        )
        XCTAssertTrue(imported.stdout.contains("password: <redacted>"), imported.stdout)
        let reach = try await self.sandbox(["reach", "items-dev", "items-proxy", "3306", "--topology", template])
        XCTAssertEqual(reach.status, 0, reach.stdout + reach.stderr)
        let wrong = try await self.sandbox(["validate", template, "--param", "Stage=test"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(
            wrong.stderr.contains("Parameters.Stage: 'test' is not one of its AllowedValues: dev, prod"),
            wrong.stderr
        )
    }

    /// `sandbox scenario list/run` and `sandbox diagnose` with their exit codes: 0 when it holds (or nothing is wrong),
    /// 1 when not; a broken topology's finding in --json.
    func testScenarioAndDiagnoseCommands() async throws {
        let catalog = TopologyTests.root.appendingPathComponent("Sandbox/misconfigurations").path
        let list = try await self.sandbox(["scenario", "list", "--catalog", catalog])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(
            list.stdout.split(separator: "\n").contains {
                $0.hasPrefix("proxy-missing-function-ingress ")
                    && $0.hasSuffix(" The proxy's security group does not admit the function's")
            },
            list.stdout
        )
        let run = try await self.sandbox(["scenario", "run", "token-for-another-region", "--catalog", catalog])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(
            run.stdout.contains("the customer sees: ERROR 1045 (28000): Access denied for user 'app'@'%'"),
            run.stdout
        )
        XCTAssertTrue(run.stdout.contains("IAM token is for region us-west-2, the proxy is in us-east-1"), run.stdout)
        XCTAssertTrue(run.stdout.contains("then: works"), run.stdout)
        let unknown = try await self.sandbox(["scenario", "run", "nope", "--catalog", catalog])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no entry 'nope'"), unknown.stderr)

        let healthy = try await self.sandbox([
            "diagnose", TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path, "--catalog", catalog,
        ])
        XCTAssertEqual(healthy.status, 0, healthy.stdout + healthy.stderr)
        XCTAssertTrue(healthy.stdout.contains("no misconfiguration found"), healthy.stdout)
        let entry = try XCTUnwrap(try Catalog.load(folder: catalog).entry("function-role-without-connect"))
        let broken = NSTemporaryDirectory() + "cloudsandbox-diagnose-\(UUID().uuidString.prefix(8)).yaml"
        var topology = try entry.topologies().broken
        topology.databases[0].schema = TopologyTests.root.appendingPathComponent("Fixtures/sql/app.sql").path
        topology.databases[0].script = TopologyTests.root.appendingPathComponent("Fixtures/scripts/faults.yaml").path
        topology.functions = topology.functions?.filter { $0.command == nil && $0.managedRuntime == nil }
        topology.apis = nil
        try JSONEncoder().encode(topology).write(to: URL(fileURLWithPath: broken))
        let found = try await self.sandbox(["diagnose", broken, "--json", "--catalog", catalog])
        XCTAssertEqual(found.status, 1, found.stdout + found.stderr)
        guard let report = try? JSONDecoder().decode(DiagnosisReport.self, from: Data(found.stdout.utf8)) else {
            return XCTFail(found.stdout + found.stderr)
        }
        XCTAssertEqual(report.ids, ["function-role-without-connect"], found.stdout)
        XCTAssertTrue(
            report.findings[0].evidence[0].contains(
                "is not allowed rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-"
            ),
            found.stdout
        )
    }

    /// The default topology running, and its endpoints file.
    private func defaultSandbox() async throws -> (Sandbox, String) {
        let (topology, base) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let sandbox = try await Sandbox.start(topology, baseDirectory: base)
        let file = NSTemporaryDirectory() + "cloudsandbox-cli-\(UUID().uuidString.prefix(8)).json"
        try sandbox.endpoints.write(to: file)
        return (sandbox, file)
    }

    /// `sandbox failover CLUSTER --wait` begins FailoverDBCluster through the control API, prints the reader it
    /// promotes, then the cluster once it is available again; a cluster that does not exist is RDS's error, exit 1.
    func testFailoverThroughTheCommandLineWaitsForTheNewWriter() async throws {
        let sandbox = try await ClusterFailoverTests.start()
        let file = NSTemporaryDirectory() + "cloudsandbox-cli-\(UUID().uuidString.prefix(8)).json"
        try sandbox.endpoints.write(to: file)
        try await withSandbox(sandbox) { sandbox in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let failover = try await self.sandbox(["failover", "orders", "--wait", "--endpoints-file", file])
            XCTAssertEqual(failover.status, 0, failover.stderr)
            XCTAssertTrue(failover.stdout.contains(#""promoting" : "orders-2""#), failover.stdout)
            let last = try XCTUnwrap(failover.stdout.range(of: #""promoting""#, options: .backwards)).upperBound
            XCTAssertTrue(
                failover.stdout[last...].contains(#""status" : "available""#)
                    && failover.stdout[last...].contains(#""writer" : "orders-2""#),
                failover.stdout
            )
            XCTAssertEqual(sandbox.writer(of: "orders"), "orders-2")
            let missing = try await self.sandbox(["failover", "nosuch", "--endpoints-file", file])
            XCTAssertEqual(missing.status, 1)
            XCTAssertTrue(
                missing.stderr.contains("DBClusterNotFoundFault: DBCluster nosuch not found."),
                missing.stderr
            )
        }
    }

    /// `eval "$(sandbox env ...)"`: the aws CLI acts as the user, the mariadb client finds the instance.
    func testEnvExportsAPrincipalForTheAWSCLIAndAnInstanceForMariaDB() async throws {
        let (sandbox, file) = try await self.defaultSandbox()
        try await withSandbox(sandbox) { sandbox in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let executable = try XCTUnwrap(Self.executable, "build the sandbox executable first (swift build)")
            let script = """
                set -e
                eval "$('\(executable)' env --as developer --database app-db --db-user app)"
                aws sts get-caller-identity --output text --query Arn
                mariadb -u app -N -e 'SELECT CURRENT_USER()' app
                """
            var environment = ProcessInfo.processInfo.environment.filter {
                !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("MYSQL_")
            }
            environment["SANDBOX_ENDPOINTS"] = file  // found without --endpoints-file
            environment["AWS_CONFIG_FILE"] = "/dev/null"
            environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
            let result = try await Subprocess.runOffThread(["bash", "-c", script], environment: environment)
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            XCTAssertTrue(result.stdout.contains("arn:aws:iam::123456789012:user/developer"), result.stdout)
            XCTAssertTrue(result.stdout.contains("app@"), result.stdout)
            let unknown = try await self.sandbox(["env", "--as", "nobody", "--endpoints-file", file])
            XCTAssertNotEqual(unknown.status, 0)
            XCTAssertTrue(
                unknown.stderr.contains("no credentials for 'nobody'") && unknown.stderr.contains("developer"),
                unknown.stderr
            )
            let which = try await self.sandbox(["env", "--database", "app-db", "--endpoints-file", file])
            XCTAssertTrue(which.stderr.contains("name one of app-db's users with --db-user: admin, app"), which.stderr)
        }
    }

    func testProxyStatusCarriesTheReasonsOfRefusals() async throws {
        let (sandbox, file) = try await self.defaultSandbox()
        try await withSandbox(sandbox) { sandbox in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["app-proxy"])
            do {
                _ = try await MariaDB.offload {
                    try MariaDBConnection(
                        .init(
                            host: proxy.host,
                            port: proxy.port,
                            user: "admin",
                            password: "wrong",
                            tls: true,
                            caFile: proxy.caBundle
                        )
                    )
                }
                XCTFail("wrong password")
            } catch let error as MariaDBError {
                XCTAssertEqual(error.code, 1045)
            }
            let table = try await self.sandbox(
                ["proxy", "app-proxy", "--endpoints-file", file],
                environment: ["COLUMNS": "80"]
            )
            XCTAssertEqual(table.status, 0, table.stderr)
            let rows = table.stdout.split(separator: "\n")
            XCTAssertEqual(rows.first, "app-proxy  \(proxy.endpoint)")
            XCTAssertTrue(
                rows.contains("  TARGET  STATE      REASON  DESCRIPTION") && rows.contains("  app-db  AVAILABLE  -"),
                table.stdout
            )
            XCTAssertTrue(
                rows.contains { $0.hasPrefix("  admin  refused  the password does not match the secret") },
                table.stdout
            )
            XCTAssertTrue(rows.allSatisfy { $0.count <= 80 }, "wrapped at 80 columns:\n\(table.stdout)")
            let status = try await self.sandbox(["proxy", "app-proxy", "--json", "--endpoints-file", file])
            XCTAssertEqual(status.status, 0, status.stderr)
            XCTAssertTrue(
                status.stdout.contains(
                    "the password does not match the secret "
                        + "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db/admin"
                ),
                status.stdout
            )
            XCTAssertTrue(status.stdout.contains("\"state\" : \"AVAILABLE\""), status.stdout)
            XCTAssertTrue(
                status.stdout.contains("\"clientConnections\" : ") && status.stdout.contains("\"borrowTimeouts\" : 0"),
                status.stdout
            )
            XCTAssertFalse(status.stdout.contains("admin-Passw0rd"), "no password in the status")
        }
    }

    /// `sandbox logs FUNCTION` prints an invocation's START/REPORT lines and what the code logged; an unknown
    /// function is named with the ones that exist.
    /// `sandbox sql` as a role (an IAM token) or with a password, and `sandbox token` for the mariadb CLI; exit 1 with
    /// the server's error.
    func testSQLAndTokenAgainstARunningSandbox() async throws {
        let (sandbox, file) = try await self.defaultSandbox()
        try await withSandbox(sandbox) { sandbox in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let iam = try await self.sandbox([
                "sql", "app-proxy", "--user", "app", "--as", "app-role", "--database", "app", "-e",
                "SELECT CURRENT_USER()",
                "--endpoints-file", file,
            ])
            XCTAssertEqual(iam.status, 0, iam.stderr)
            XCTAssertEqual(iam.stdout, "CURRENT_USER()\napp@%\n")
            let refused = try await self.sandbox([
                "sql", "app-proxy", "--user", "app", "--as", "password-function-role", "-e", "SELECT 1",
                "--endpoints-file", file,
            ])
            XCTAssertEqual(refused.status, 1)
            XCTAssertEqual(
                refused.stderr,
                "ERROR 1045 (28000): Access denied for user 'app'@'%' (using password: YES)\n"
            )
            let json = try await self.sandbox([
                "sql", "app-db", "--user", "admin", "--password", "admin-Passw0rd", "-e", "SELECT 1 AS one", "--json",
                "--endpoints-file", file,
            ])
            XCTAssertEqual(json.stdout, #"[{"affectedRows":0,"columns":["one"],"rows":[["1"]]}]"# + "\n", json.stderr)
            let token = try await self.sandbox([
                "token", "app-proxy", "--user", "app", "--as", "app-role", "--endpoints-file", file,
            ])
            XCTAssertEqual(token.status, 0, token.stderr)
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["app-proxy"])
            XCTAssertTrue(
                token.stdout.hasPrefix(
                    "\(proxy.endpoint):3306/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                ),
                token.stdout
            )
            let cli = try await Subprocess.runOffThread([
                "mariadb", "-h", proxy.host, "-P", String(proxy.port), "-u", "app",
                "--password=\(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))",
                "--ssl", "--ssl-ca=\(proxy.caBundle)", "-N", "-e", "SELECT CURRENT_USER()",
            ])
            XCTAssertEqual(cli.stdout, "app@%\n", cli.stderr)
        }
    }

    /// `sandbox invoke` (Lambda's Invoke, SigV4-signed as a principal) and `sandbox call` (a route), with exit codes.
    func testInvokeAndCallAgainstARunningSandbox() async throws {
        let (sandbox, file) = try await self.defaultSandbox()
        try await withSandbox(sandbox) { _ in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let invoked = try await self.sandbox([
                "invoke", "echo", "--payload", #"{"hello":"sandbox"}"#, "--endpoints-file", file,
            ])
            XCTAssertEqual(invoked.status, 0, invoked.stderr)
            XCTAssertEqual(invoked.stdout, #"{"hello":"sandbox"}"# + "\n")
            let denied = try await self.sandbox(["invoke", "echo", "--as", "developer", "--endpoints-file", file])
            XCTAssertEqual(denied.status, 1)
            XCTAssertTrue(denied.stderr.hasPrefix("AccessDeniedException (403): "), denied.stderr)
            XCTAssertTrue(denied.stderr.contains("is not authorized to perform: lambda:InvokeFunction"), denied.stderr)
            let missing = try await self.sandbox(["invoke", "nope", "--endpoints-file", file])
            XCTAssertTrue(
                missing.status == 1 && missing.stderr.hasPrefix("ResourceNotFoundException (404): "),
                missing.stderr
            )
            let called = try await self.sandbox(["call", "GET /iam", "--include", "--endpoints-file", file])
            XCTAssertEqual(called.status, 0, called.stderr)
            XCTAssertTrue(called.stdout.hasPrefix("HTTP 200\n{\"affectedRows\":0,\"rows\":[{"), called.stdout)
            let badRoute = try await self.sandbox(["call", "iam", "--endpoints-file", file])
            XCTAssertNotEqual(badRoute.status, 0)
            XCTAssertTrue(badRoute.stderr.contains("write the route as \"METHOD /path\""), badRoute.stderr)
        }
    }

    /// `sandbox describe`: proxies with target health, secrets, roles, security groups, functions, APIs.
    func testDescribeARunningSandbox() async throws {
        let (sandbox, file) = try await self.defaultSandbox()
        try await withSandbox(sandbox) { sandbox in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let text = try await self.sandbox(["describe", "--endpoints-file", file])
            XCTAssertEqual(text.status, 0, text.stderr)
            let lines = text.stdout.split(separator: "\n").map(String.init)
            for (key, value) in [
                ("targets", "instance=app-db state=AVAILABLE"), ("requireTLS", "true"),
                ("ingress", "tcp/3306 from sg-proxy; tcp/3306 from sg-function; tcp/3306 from sg-operator"),
                ("placement", "10.0.1.8 in subnet-app-a, sg-function"),
                ("routes", "GET /iam → items-iam; GET /password → items-password"),
            ] {
                XCTAssertTrue(
                    lines.contains {
                        $0.hasPrefix("    \(key)  ")
                            && $0.dropFirst(4 + key.count).drop(while: { $0 == " " }).hasPrefix(value)
                    },
                    "no '\(key)  \(value)' in:\n\(text.stdout)"
                )
            }
            let targets = try await self.sandbox(["describe", "targets", "--endpoints-file", file])
            XCTAssertEqual(
                targets.stdout,
                "PROXY      TARGET  STATE      REASON  DESCRIPTION\napp-proxy  app-db  AVAILABLE  -\n",
                targets.stderr
            )
            XCTAssertFalse(text.stdout.contains("admin-Passw0rd"), "no secret value")
            let json = try await self.sandbox(["describe", "secrets", "--json", "--endpoints-file", file])
            let secrets = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [String: [String: String]]]
            )
            XCTAssertEqual(secrets["secrets"]?["app-db/app"]?["arn"], sandbox.account.secretARN(named: "app-db/app"))
            let wrong = try await self.sandbox(["describe", "tables", "--endpoints-file", file])
            XCTAssertNotEqual(wrong.status, 0)
            XCTAssertTrue(
                wrong.stderr.contains("use one of apis, functions, proxies, roles, secrets, security-groups, targets"),
                wrong.stderr
            )
        }
    }

    func testLogsOfAFunction() async throws {
        let (sandbox, file) = try await self.defaultSandbox()
        try await withSandbox(sandbox) { sandbox in
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try await sandbox.lambda.invoke("items-password", payload: Array(#"{"rawPath":"/cli"}"#.utf8))
            let logs = try await self.sandbox(["logs", "items-password", "--endpoints-file", file])
            XCTAssertEqual(logs.status, 0, logs.stderr)
            XCTAssertTrue(
                logs.stdout.contains("START RequestId: \(result.requestID)")
                    && logs.stdout.contains("REPORT RequestId: \(result.requestID)"),
                logs.stdout
            )
            XCTAssertTrue(
                logs.stdout.contains("connecting to app-proxy as admin with the password of the secret"),
                logs.stdout
            )
            XCTAssertFalse(logs.stdout.contains("admin-Passw0rd"), "no password in the logs")
            let json = try await self.sandbox([
                "logs", "items-password", "--lines", "3", "--json", "--endpoints-file", file,
            ])
            let logged = try JSONDecoder().decode(FunctionLogs.self, from: Data(json.stdout.utf8))
            XCTAssertEqual(logged.function, "items-password")
            XCTAssertEqual(logged.lines.count, 3, json.stdout)
            let unknown = try await self.sandbox(["logs", "nope", "--endpoints-file", file])
            XCTAssertNotEqual(unknown.status, 0)
            XCTAssertTrue(
                unknown.stderr.contains("functions: echo, items-go, items-iam, items-password, items-python"),
                unknown.stderr
            )
        }
    }

    func testToxicsAtRunTimeThroughTheToxiproxyAPI() async throws {
        try await withSandbox(NetworkEnforcementTests.topology(denied: .reset)) { sandbox in
            let file = NSTemporaryDirectory() + "cloudsandbox-cli-\(UUID().uuidString.prefix(8)).json"
            try sandbox.endpoints.write(to: file)
            defer { try? FileManager.default.removeItem(atPath: file) }

            let added = try await self.sandbox([
                "toxic", "add", "app-db", "latency", "latency=300", "--endpoints-file", file,
            ])
            XCTAssertEqual(added.status, 0, added.stderr)
            XCTAssertTrue(added.stdout.contains("\"name\":\"latency_downstream\""), added.stdout)
            let connection = try await NetworkEnforcementTests.libmariadb(sandbox, from: "fn")
            let started = Date()
            _ = try await MariaDB.offload { try connection.query("SELECT 1") }
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.29)

            let listed = try await self.sandbox(["toxic", "list", "--endpoints-file", file])
            XCTAssertTrue(
                listed.stdout.contains("\"app-db\"") && listed.stdout.contains("latency_downstream"),
                listed.stdout
            )
            let duplicate = try await self.sandbox([
                "toxic", "add", "app-db", "latency", "latency=1", "--endpoints-file", file,
            ])
            XCTAssertTrue(
                duplicate.stderr.contains("HTTP 409") && duplicate.stderr.contains("toxic already exists"),
                duplicate.stderr
            )
            let bad = try await self.sandbox(["toxic", "add", "app-db", "earthquake", "--endpoints-file", file])
            XCTAssertTrue(bad.stderr.contains("unknown toxic type 'earthquake'"), bad.stderr)
            let removed = try await self.sandbox([
                "toxic", "remove", "app-db", "latency_downstream", "--endpoints-file", file,
            ])
            XCTAssertEqual(removed.status, 0, removed.stderr)
            XCTAssertTrue(sandbox.network!.faults.toxics(in: .listener("app-db")).isEmpty)

            let disabled = try await self.sandbox(["toxic", "disable", "app-db", "--endpoints-file", file])
            XCTAssertTrue(disabled.stdout.contains("\"enabled\":false"), disabled.stdout + disabled.stderr)
            XCTAssertThrowsError(try connection.query("SELECT 1"), "open connections are reset")
            _ = try await self.sandbox(["toxic", "enable", "app-db", "--endpoints-file", file])
            let again = try await NetworkEnforcementTests.libmariadb(sandbox, from: "fn")
            XCTAssertEqual(try again.query("SELECT 1").rows, [["1"]])
        }
    }
}

extension SandboxCLITests {
    /// The audit log of a running sandbox, through `sandbox log` and the library: a route's path recorded decision by
    /// decision (the network, the proxy's IAM verdict, IAM's statements, the invocation, the request), a refused
    /// login with why, filters, JSON.
    func testTheAuditLogOfARunningSandbox() async throws {
        try await withSandbox(file: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path) { sandbox in
            let endpoints = NSTemporaryDirectory() + "audit-\(UUID().uuidString.prefix(8)).json"
            try sandbox.endpoints.write(to: endpoints)
            defer { try? FileManager.default.removeItem(atPath: endpoints) }
            let (status, _) = try await sandbox.call("app-api", "GET", "/iam")
            XCTAssertEqual(status, 200)
            _ = try? await sandbox.connect(through: "app-proxy", as: .iam(role: "password-function-role", user: "app"))
            let kinds = Set(sandbox.audit.events().map(\.kind))
            XCTAssertEqual(
                kinds,
                [.connection, .login, .authorization, .invocation, .request],
                "\(sandbox.audit.events().map(\.line))"
            )
            let refused = try await self.sandbox([
                "log", "--kind", "login", "--outcome", "refused", "--endpoints-file", endpoints,
            ])
            XCTAssertEqual(refused.status, 0, refused.stderr)
            let rows = refused.stdout.split(separator: "\n")
            XCTAssertEqual(rows.count, 2, refused.stdout)
            XCTAssertEqual(rows.first, "TIME          COMPONENT       KIND           OUTCOME    SUBJECT: REASON")
            XCTAssertTrue(
                rows.last?.contains("  RDSProxy        login          refused    app: ") == true
                    && refused.stdout.contains("is not allowed rds-db:connect"),
                refused.stdout
            )
            let json = try await self.sandbox([
                "log", "--component", "APIGateway", "--json", "--endpoints-file", endpoints,
            ])
            let event = try JSONDecoder().decode(AuditEvent.self, from: Data(json.stdout.utf8))
            XCTAssertEqual([event.subject, event.outcome], ["app-api GET /iam", "200"])
            let wrong = try await self.sandbox(["log", "--kind", "logins", "--endpoints-file", endpoints])
            XCTAssertNotEqual(wrong.status, 0)
            XCTAssertTrue(
                wrong.stderr.contains("use one of connection, login, authorization, api-call, invocation, request"),
                wrong.stderr
            )
        }
    }
}
