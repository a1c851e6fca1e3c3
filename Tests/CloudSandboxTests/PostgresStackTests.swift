import CloudSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import SandboxSigV4
import SandboxTesting
import XCTest

/// Sandbox/postgres.yaml end to end: requests through the HTTP API to Python functions in the VPC that log in to the
/// RDS Proxy for PostgreSQL by its DNS name on 5432 (an IAM token, a secret's password), and its security groups on
/// PostgreSQL's port.
final class PostgresStackTests: XCTestCase {
    func testThePostgresStackAnswersThroughTheProxyAndItsSecurityGroups() async throws {
        let (topology, base) = try TopologyLoader.load(path: TopologyTests.root.appendingPathComponent("Sandbox/postgres.yaml").path)
        let sandbox = try await Sandbox.start(topology, baseDirectory: base)
        let url = try XCTUnwrap(sandbox.api("items-api")?.url)
        var answers: [String: [String: Any]] = [:]
        for route in ["iam", "password"] {
            let (data, response) = try await URLSession.shared.data(from: URL(string: "\(url)/\(route)")!)
            XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200, String(decoding: data, as: UTF8.self))
            answers[route] = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        let logins = sandbox.postgresProxy("items-proxy")?.audit.all ?? []
        let secret = try sandbox.account.secretValue("items-db/app", accessKeyID: sandbox.account.rootCredentials.accessKeyID, logger: Logger(label: "test"))
        let reachable = sandbox.network.map { NetworkPlan.analyze($0.model, from: "batch-job", to: "items-proxy", port: 5432) }
        let statistics = sandbox.postgresProxy("items-proxy")?.statistics()
        // What `sandbox proxy` reads: the PostgreSQL proxy's connections and login decisions, beside the MySQL ones.
        let (statusData, _) = try await URLSession.shared.data(from: URL(string: "\(sandbox.aws.url)/sandbox/proxies")!)
        let status = try JSONSerialization.jsonObject(with: statusData) as? [String: Any]
        // From this machine (the operator host): psql to the instance with its password, and to the proxy with an IAM token.
        let database = try XCTUnwrap(sandbox.endpoints.databases["items-db"]), proxy = try XCTUnwrap(sandbox.endpoints.proxies?["items-proxy"])
        let direct = try await Psql.run(.init(host: database.host, port: database.port, user: "admin", password: "admin-Passw0rd", database: "items",
                                              sslMode: "verify-full", rootCertificate: database.caBundle), ["SELECT count(*) FROM visits"])
        let appRole = try XCTUnwrap(sandbox.endpoints.credentials?["app-role"]?.awsCredentials)
        let token = RDSAuthToken.generate(host: proxy.endpoint, port: 5432, region: "us-east-1", user: "app", credentials: appRole)
        let viaProxy = try await Psql.run(.init(host: proxy.host, port: proxy.port, user: "app", password: token, database: "items", sslMode: "verify-ca",
                                                rootCertificate: proxy.caBundle), ["SELECT current_user"])
        // `sandbox env` for psql, evaluated in a shell as a user would.
        let file = sandbox.stateDirectory.appendingPathComponent("endpoints-postgres.json").path
        try sandbox.endpoints.write(to: file)
        let executable = try XCTUnwrap(SandboxCLITests.executable, "build the sandbox executable first (swift build)")
        let shell = try await Subprocess.runOffThread(["bash", "-c", #"eval "$("$0" env --database items-db --db-user admin --endpoints-file "$1")" && psql -X -A -t -d items -c 'SELECT current_user'"#,
                                                       executable, file])
        await sandbox.shutdown()
        XCTAssertEqual(shell.stdout, "admin\n", shell.stderr)
        XCTAssertEqual(direct.stdout, "2\n", direct.stderr)
        XCTAssertEqual(viaProxy.stdout, "app\n", viaProxy.stderr)
        XCTAssertEqual(answers["iam"]?["user"] as? String, "app")
        XCTAssertEqual(answers["password"]?["user"] as? String, "admin")
        XCTAssertEqual((answers["password"]?["rows"] as? [Any])?.count, 2, "both visits, in one database behind the proxy")
        XCTAssertTrue(logins.contains { $0.user == "app" && $0.outcome == "accepted" && $0.reason.contains("assumed-role/app-role/items-iam") }, "\(logins)")
        XCTAssertTrue(logins.contains { $0.user == "admin" && $0.outcome == "accepted" && $0.reason.contains("SCRAM-SHA-256") }, "\(logins)")
        XCTAssertTrue(secret.contains(#""engine":"postgres""#), "a database secret of a postgres instance says so")
        XCTAssertEqual(reachable??.isReachable, false)
        XCTAssertTrue(reachable??.explanations.contains { $0.code == "ENI_SG_RULES_MISMATCH" } == true, "\(String(describing: reachable))")
        XCTAssertEqual(statistics?.pinnedClients, 0)
        let proxyStatus = status?["items-proxy"] as? [String: Any]
        XCTAssertTrue((proxyStatus?["logins"] as? [[String: Any]])?.contains { $0["user"] as? String == "admin" } == true, "\(String(describing: status))")
    }
}
