import CloudSandbox
import Foundation
import Logging
import NIOPosix
import SandboxLifecycle
import SandboxSigV4
import SandboxTesting
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sandbox/postgres.yaml end to end: requests through the HTTP API to functions in the VPC that log in to the RDS
/// Proxy for PostgreSQL by its DNS name on 5432 — the built-in SQL function with an IAM token and with a secret's
/// password, a Python handler (pg8000) with boto3's token — and its security groups on PostgreSQL's port.
final class PostgresStackTests: XCTestCase {
    func testThePostgresStackAnswersThroughTheProxyAndItsSecurityGroups() async throws {
        var (topology, base) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/postgres.yaml").path
        )
        // The built-in SQL function with a statement PostgreSQL refuses: the error, with its SQLSTATE, is the
        // function's.
        var broken = try XCTUnwrap(topology.functions?.first { $0.name == "items-iam" })
        broken.name = "items-broken"
        broken.builtin?.sql?.statements = [.init(sql: "SELECT * FROM missing_table WHERE id = $1", parameters: ["id"])]
        topology.functions?.append(broken)
        let sandbox = try await Sandbox.start(topology, baseDirectory: base)
        let refused = try await sandbox.lambda.invoke("items-broken", payload: Array(#"{"id": 1}"#.utf8))
        let url = try XCTUnwrap(sandbox.api("items-api")?.url)
        var answers: [String: [String: Any]] = [:]
        for route in ["iam", "password", "python"] {
            let (data, response) = try await URLSession.shared.data(from: URL(string: "\(url)/\(route)")!)
            XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200, String(decoding: data, as: UTF8.self))
            answers[route] = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        let logins = sandbox.postgresProxy("items-proxy")?.audit.all ?? []
        let secret = try sandbox.account.secretValue(
            "items-db/app",
            accessKeyID: sandbox.account.rootCredentials.accessKeyID,
            logger: Logger(label: "test")
        )
        let reachable = sandbox.network.map {
            NetworkPlan.analyze($0.model, from: "batch-job", to: "items-proxy", port: 5432)
        }
        let statistics = sandbox.postgresProxy("items-proxy")?.statistics()
        let targets = sandbox.account.dbProxy(named: "items-proxy")?.targets.map {
            "\($0.instanceIdentifier) \($0.state.rawValue)"
        }
        // What `sandbox proxy` reads: the PostgreSQL proxy's connections and login decisions, beside the MySQL ones.
        let (statusData, _) = try await URLSession.shared.data(from: URL(string: "\(sandbox.aws.url)/sandbox/proxies")!)
        let status = try JSONSerialization.jsonObject(with: statusData) as? [String: Any]
        // From this machine (the operator host): psql to the instance with its password, and to the proxy with an IAM
        // token.
        let database = try XCTUnwrap(sandbox.endpoints.databases["items-db"])
        let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["items-proxy"])
        let direct = try await Psql.run(
            .init(
                host: database.host,
                port: database.port,
                user: "admin",
                password: "admin-Passw0rd",
                database: "items",
                sslMode: "verify-full",
                rootCertificate: database.caBundle
            ),
            ["SELECT count(*) FROM visits"]
        )
        let appRole = try XCTUnwrap(sandbox.endpoints.credentials?["app-role"]?.awsCredentials)
        let token = RDSAuthToken.generate(
            host: proxy.endpoint,
            port: 5432,
            region: "us-east-1",
            user: "app",
            credentials: appRole
        )
        let viaProxy = try await Psql.run(
            .init(
                host: proxy.host,
                port: proxy.port,
                user: "app",
                password: token,
                database: "items",
                sslMode: "verify-ca",
                rootCertificate: proxy.caBundle
            ),
            ["SELECT current_user"]
        )
        // `sandbox env` for psql, evaluated in a shell as a user would.
        let file = sandbox.stateDirectory.appendingPathComponent("endpoints-postgres.json").path
        try sandbox.endpoints.write(to: file)
        let executable = try XCTUnwrap(SandboxCLITests.executable, "build the sandbox executable first (swift build)")
        let shell = try await Subprocess.runOffThread([
            "bash", "-c",
            #"eval "$("$0" env --database items-db --db-user admin --endpoints-file "$1")" && psql -X -A -t -d "#
                + #"items -c 'SELECT current_user'"#,
            executable, file,
        ])
        // `sandbox sql` on the PostgreSQL proxy: an IAM token signed as app-role; a password where IAM is required is
        // refused.
        let sql = try await Subprocess.runOffThread([
            executable, "sql", "items-proxy", "--user", "app", "--as", "app-role", "--database", "items",
            "-e", "SELECT current_user, count(*) FROM visits", "--endpoints-file", file,
        ])
        let sqlRefused = try await Subprocess.runOffThread([
            executable, "sql", "items-proxy", "--user", "app", "--password", "app-Passw0rd", "-e", "SELECT 1",
            "--endpoints-file", file,
        ])
        await sandbox.shutdown()
        XCTAssertEqual(sql.stdout, "current_user\tcount\napp\t3\n", sql.stderr)
        XCTAssertEqual(sqlRefused.status, 1)
        XCTAssertTrue(sqlRefused.stderr.hasPrefix("FATAL:  IAM authentication failed for user app."), sqlRefused.stderr)
        XCTAssertEqual(shell.stdout, "admin\n", shell.stderr)
        XCTAssertEqual(direct.stdout, "3\n", direct.stderr)
        XCTAssertEqual(viaProxy.stdout, "app\n", viaProxy.stderr)
        let iamRows = answers["iam"]?["rows"] as? [[String: Any]]
        let passwordRows = answers["password"]?["rows"] as? [[String: Any]]
        XCTAssertEqual(iamRows?.last?["db_user"] as? String, "app")
        XCTAssertEqual(iamRows?.last?["route"] as? String, "/iam")
        XCTAssertEqual(passwordRows?.last?["db_user"] as? String, "admin")
        XCTAssertEqual(
            passwordRows?.map { $0["id"] as? Int },
            [1, 2],
            "both visits, in one database behind the proxy, ids as numbers"
        )
        XCTAssertEqual(answers["python"]?["user"] as? String, "app")
        XCTAssertEqual(refused.functionError, "Unhandled")
        XCTAssertTrue(
            String(decoding: refused.payload, as: UTF8.self).contains(
                #"ERROR 42P01: relation \"missing_table\" does not exist"#
            ),
            String(decoding: refused.payload, as: UTF8.self)
        )
        XCTAssertEqual((answers["python"]?["rows"] as? [Any])?.count, 3)
        for function in ["items-iam", "items-python"] {
            XCTAssertTrue(
                logins.contains {
                    $0.user == "app" && $0.outcome == "accepted"
                        && $0.reason.contains("assumed-role/app-role/\(function)")
                },
                "\(logins)"
            )
        }
        XCTAssertTrue(
            logins.contains { $0.user == "admin" && $0.outcome == "accepted" && $0.reason.contains("SCRAM-SHA-256") },
            "\(logins)"
        )
        XCTAssertTrue(secret.contains(#""engine":"postgres""#), "a database secret of a postgres instance says so")
        XCTAssertEqual(reachable??.isReachable, false)
        XCTAssertTrue(
            reachable??.explanations.contains { $0.code == "ENI_SG_RULES_MISMATCH" } == true,
            "\(String(describing: reachable))"
        )
        XCTAssertEqual(statistics?.pinnedClients, 0)
        XCTAssertEqual(
            targets,
            ["items-db AVAILABLE"],
            "DescribeDBProxyTargets: the proxy's health check logged in with a secret"
        )
        let proxyStatus = status?["items-proxy"] as? [String: Any]
        XCTAssertTrue(
            (proxyStatus?["logins"] as? [[String: Any]])?.contains { $0["user"] as? String == "admin" } == true,
            "\(String(describing: status))"
        )
    }
}

extension PostgresStackTests {
    /// IAM database authentication straight to an RDS for PostgreSQL instance, with psql (libpq): a member of rds_iam
    /// logs in with a token over verified TLS and only so; a user not in rds_iam has its token taken as a wrong
    /// password; a token made for another endpoint is refused. The instance's refusals say why, never with the token.
    func testIAMDatabaseAuthenticationStraightToTheInstanceForMembersOfRDSIAM() async throws {
        let trust = JSONText(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                + #""Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        )
        let connect = JSONText(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","#
                + #""Resource":"arn:aws:rds-db:us-east-1:*:dbuser:*/*"}]}"#
        )
        let topology = Topology(
            databases: [
                .init(
                    id: "items-db",
                    engine: .postgres,
                    users: [
                        .init(name: "admin", password: "admin-pw"),
                        .init(name: "job", password: "job-pw", roles: ["rds_iam"]),
                        .init(name: "app", password: "app-pw"),
                    ],
                    databases: ["items"],
                    tls: .optional,
                    iamDatabaseAuthentication: true
                )
            ],
            iam: .init(roles: [.init(name: "job-role", trustPolicy: trust, policies: ["connect": connect])])
        )
        let sandbox = try await Sandbox.start(topology)
        let database = try XCTUnwrap(sandbox.endpoints.databases["items-db"])
        let keys = try XCTUnwrap(sandbox.endpoints.credentials?["job-role"]?.awsCredentials)
        func token(_ user: String, host: String? = nil) -> String {
            RDSAuthToken.generate(
                host: host ?? database.endpoint,
                port: 5432,
                region: "us-east-1",
                user: user,
                credentials: keys
            )
        }
        func psql(_ user: String, _ password: String, sslMode: String = "verify-full") async throws -> Subprocess.Result
        {
            try await Psql.run(
                .init(
                    host: database.host,
                    port: database.port,
                    user: user,
                    password: password,
                    database: "items",
                    sslMode: sslMode,
                    rootCertificate: database.caBundle
                ),
                ["SELECT current_user"]
            )
        }
        let member = try await psql("job", token("job"))
        let memberInTheClear = try await psql("job", token("job"), sslMode: "disable")
        let memberWithPassword = try await psql("job", "job-pw")
        let nonMember = try await psql("app", token("app"))
        let elsewhere = try await psql(
            "job",
            token("job", host: "other-db.cluster-example.us-east-1.rds.amazonaws.com")
        )
        let refusals = try XCTUnwrap(sandbox.postgresDatabase("items-db")).refusals
        let described = sandbox.account.dbInstance("items-db")?.iamAuthenticationEnabled
        await sandbox.shutdown()
        XCTAssertEqual(member.stdout, "job\n", member.stderr)
        XCTAssertTrue(
            memberInTheClear.stderr.contains(#"FATAL:  password authentication failed for user "job""#),
            memberInTheClear.stderr
        )
        XCTAssertTrue(
            memberWithPassword.stderr.contains(#"FATAL:  PAM authentication failed for user "job""#),
            memberWithPassword.stderr
        )
        XCTAssertTrue(
            nonMember.stderr.contains(#"FATAL:  password authentication failed for user "app""#),
            nonMember.stderr
        )
        XCTAssertTrue(elsewhere.stderr.contains(#"FATAL:  PAM authentication failed for user "job""#), elsewhere.stderr)
        XCTAssertEqual(refusals.count, 4, "\(refusals)")
        XCTAssertTrue(
            refusals[0].contains("job is a member of rds_iam, which logs in with an IAM token only over TLS"),
            refusals[0]
        )
        XCTAssertTrue(refusals[1].contains("IAM token refused"), refusals[1])
        XCTAssertTrue(refusals[2].contains("app is not a member of rds_iam: GRANT rds_iam TO app"), refusals[2])
        XCTAssertTrue(refusals[3].contains("not this instance endpoint (\(database.endpoint):5432)"), refusals[3])
        XCTAssertFalse(refusals.contains { $0.contains("X-Amz-") || $0.contains("job-pw") }, "\(refusals)")
        XCTAssertEqual(described, true)
    }
}

extension PostgresStackTests {
    /// The proxy dials its in-process target's listener on its own event loop (LoopLocalListeners); one that is gone
    /// (here: registered as port 1, which nothing serves) costs a refused connect and the target's own port serves.
    func testTheProxyFallsBackToTheTargetsPortWhenItsLoopListenerIsGone() async throws {
        let trust = JSONText(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"#
                + #""Action":"sts:AssumeRole"}]}"#
        )
        let read = JSONText(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","#
                + #""Resource":"*"}]}"#
        )
        let topology = Topology(
            databases: [
                .init(
                    id: "db",
                    engine: .postgres,
                    users: [.init(name: "app", password: "app-pw")],
                    databases: ["items"],
                    tls: .disabled
                )
            ],
            iam: .init(roles: [.init(name: "proxy-role", trustPolicy: trust, policies: ["read": read])]),
            secrets: [.init(name: "db/app", database: .init(instance: "db", user: "app"))],
            proxies: [.init(name: "pw", role: "proxy-role", auth: [.init(secret: "db/app")], target: "db")]
        )
        let sandbox = try await Sandbox.start(topology)
        let database = try XCTUnwrap(sandbox.endpoints.databases["db"])
        let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["pw"])
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        XCTAssertNotNil(
            LoopLocalListeners.port(host: database.host, port: database.port, on: loops[0]),
            "the instance registers its loop listeners"
        )
        LoopLocalListeners.register(host: database.host, port: database.port, loops.map { ($0, 1) })
        var answers: [Subprocess.Result] = []
        for _ in 0..<2 {
            answers.append(
                try await Psql.run(
                    .init(host: proxy.host, port: proxy.port, user: "app", password: "app-pw", database: "items"),
                    ["SELECT current_user"]
                )
            )
        }
        let opened = sandbox.postgresProxy("pw")?.statistics().databaseConnections
        await sandbox.shutdown()
        for answer in answers { XCTAssertEqual(answer.stdout, "app\n", answer.stderr) }
        XCTAssertEqual(opened, 1, "one target connection, opened on the target's own port and reused")
    }
}
