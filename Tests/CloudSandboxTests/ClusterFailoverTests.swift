import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxMariaDBClient
import SandboxTesting
import XCTest

/// Aurora-style clusters: one volume under every instance, readers that refuse writes (1290), and failover —
/// through the proxy idle clients survive and new statements wait for the new writer, a statement in flight on
/// the old writer fails, and a client that keeps dialing the old writer's address meets 1290.
final class ClusterFailoverTests: XCTestCase {
    /// Sandbox/aurora-failover.yaml started, with `edit` applied (and a cluster without a reader beside it).
    static func start(_ edit: (inout Topology) -> Void = { _ in }) async throws -> Sandbox {
        var (topology, base) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/aurora-failover.yaml").path
        )
        topology.clusters?.append(
            .init(
                id: "solo",
                users: [.init(name: "app", password: "app-Passw0rd", plugin: .nativePassword)],
                instances: [.init(id: "solo-1")]
            )
        )
        edit(&topology)
        return try await Sandbox.start(topology, baseDirectory: base)
    }

    private func connect(_ host: String, _ port: Int, readTimeout: UInt32 = 30) async throws -> MariaDBConnection {
        try await MariaDB.offload {
            try MariaDBConnection(
                .init(
                    host: host,
                    port: port,
                    user: "app",
                    password: "app-Passw0rd",
                    database: "shop",
                    readTimeout: readTimeout
                )
            )
        }
    }

    func testFailoverKeepsIdleProxyClientsFailsInFlightOnesAndDemotesTheOldWriter() async throws {
        try await withSandbox(
            try await Self.start { $0.clusters?[0].failover = .init(promotionSeconds: 0.4, rebootSeconds: 0.4) }
        ) { sandbox in
            let cluster = try XCTUnwrap(sandbox.endpoints.clusters?["orders"])
            XCTAssertEqual(cluster.writer, "orders-1")
            XCTAssertTrue(
                cluster.endpoint.hasPrefix("orders.cluster-") && cluster.readerEndpoint.hasPrefix("orders.cluster-ro-"),
                cluster.endpoint
            )
            let first = try XCTUnwrap(sandbox.endpoints.databases["orders-1"])
            let second = try XCTUnwrap(sandbox.endpoints.databases["orders-2"])
            XCTAssertEqual(first.port, second.port, "members share a port: the cluster endpoint is only an address")
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["orders-proxy"])

            // One volume: the reader sees the writer's commit at once, and refuses writes.
            let writer = try await self.connect(first.host, first.port)
            // beside the file's writes
            _ = try await MariaDB.offload { try writer.query("CREATE TABLE items (id INT PRIMARY KEY, note TEXT)") }
            _ = try await MariaDB.offload { try writer.query("INSERT INTO items VALUES (1, 'before')") }
            let reader = try await self.connect(second.host, second.port)
            let seen = try await MariaDB.offload {
                try reader.query("SELECT COUNT(*), @@innodb_read_only FROM items").rows
            }
            XCTAssertEqual(seen, [["1", "1"]])
            await assertMySQLError(1290) {
                _ = try await MariaDB.offload { try reader.query("INSERT INTO items VALUES (2, 'on a reader')") }
            }

            // Through the proxy: one client idle, one in the middle of a statement when the failover starts.
            let idle = try await self.connect(proxy.host, proxy.port)
            _ = try await MariaDB.offload { try idle.query("SELECT 1") }
            let busy = try await self.connect(proxy.host, proxy.port)
            async let inFlight = assertMySQLError(2013) {
                _ = try await MariaDB.offload { try busy.query("SELECT SLEEP(5)") }
            }
            let writer1 = try XCTUnwrap(sandbox.database("orders-1"))
            try await waitUntil("the SLEEP reached the writer") {
                writer1.queryLog.running.contains { $0.statement.contains("SLEEP(5)") }
            }

            try sandbox.failover(cluster: "orders")
            XCTAssertEqual(sandbox.account.dbCluster("orders")?.status, .failingOver)
            XCTAssertThrowsError(try sandbox.failover(cluster: "orders")) {
                XCTAssertEqual(($0 as? AWSError)?.code, .invalidDBClusterStateFault, "\($0)")
            }
            _ = await inFlight

            // The idle client's next statement waits for the new writer and commits there.
            _ = try await MariaDB.offload { try idle.query("INSERT INTO items VALUES (2, 'through the proxy')") }
            XCTAssertEqual(sandbox.writer(of: "orders"), "orders-2")
            XCTAssertEqual(sandbox.proxy("orders-proxy")?.target.instanceID, "orders-2")

            // A client that cached the old writer's address: once it is back (as a reader), its writes get 1290.
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            let stale = try await self.connect(first.host, first.port)
            await assertMySQLError(1290) {
                _ = try await MariaDB.offload { try stale.query("INSERT INTO items VALUES (3, 'stale writer')") }
            }
            let promoted = try await self.connect(second.host, second.port)
            _ = try await MariaDB.offload { try promoted.query("INSERT INTO items VALUES (3, 'new writer')") }
            let rows = try await MariaDB.offload { try stale.query("SELECT id, note FROM items ORDER BY id").rows }
            XCTAssertEqual(
                rows,
                [["1", "before"], ["2", "through the proxy"], ["3", "new writer"]],
                "no acknowledged write lost"
            )
            XCTAssertEqual(sandbox.account.dbCluster("orders")?.writer, "orders-2")
            XCTAssertEqual(
                sandbox.account.dbProxy(named: "orders-proxy")?.targets.map(\.instanceIdentifier),
                ["orders-1", "orders-2"],
                "the proxy tracks the cluster: a row per member, whose roles follow the writer"
            )
        }
    }

    func testClustersThroughTheAWSCLI() async throws {
        try await withSandbox(try await Self.start()) { sandbox in
            let described = try await SandboxAWSTests.aws(
                ["rds", "describe-db-clusters", "--db-cluster-identifier", "orders"],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertEqual(described.status, 0, described.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any]
            let clusters = try XCTUnwrap(json?["DBClusters"] as? [[String: Any]])
            XCTAssertEqual(clusters.first?["Status"] as? String, "available")
            let members = try XCTUnwrap(clusters.first?["DBClusterMembers"] as? [[String: Any]])
            XCTAssertEqual(
                members.map { "\($0["DBInstanceIdentifier"]!)=\($0["IsClusterWriter"]!)" },
                ["orders-1=1", "orders-2=0"]
            )

            let solo = try await SandboxAWSTests.aws(
                ["rds", "failover-db-cluster", "--db-cluster-identifier", "solo"],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertNotEqual(solo.status, 0)
            XCTAssertTrue(
                solo.stderr.contains("InvalidDBClusterStateFault") && solo.stderr.contains("no reader"),
                solo.stderr
            )
            let writerAsTarget = try await SandboxAWSTests.aws(
                [
                    "rds", "failover-db-cluster", "--db-cluster-identifier", "orders",
                    "--target-db-instance-identifier", "orders-1",
                ],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertTrue(
                writerAsTarget.stderr.contains("InvalidDBInstanceState")
                    && writerAsTarget.stderr.contains("already the writer"),
                writerAsTarget.stderr
            )
            let missing = try await SandboxAWSTests.aws(
                ["rds", "failover-db-cluster", "--db-cluster-identifier", "nope"],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertTrue(missing.stderr.contains("DBClusterNotFoundFault"), missing.stderr)

            let delete = try await SandboxAWSTests.aws(
                ["rds", "delete-db-cluster", "--db-cluster-identifier", "orders", "--skip-final-snapshot"],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertTrue(
                delete.stderr.contains("InvalidDBClusterStateFault")
                    && delete.stderr.contains("still contains DB instances"),
                delete.stderr
            )
            let register = try await SandboxAWSTests.aws(
                [
                    "rds", "register-db-proxy-targets", "--db-proxy-name", "orders-proxy",
                    "--db-cluster-identifiers", "gone",
                ],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertTrue(register.stderr.contains("DBClusterNotFoundFault"), register.stderr)
            let already = try await SandboxAWSTests.aws(
                [
                    "rds", "register-db-proxy-targets", "--db-proxy-name", "orders-proxy",
                    "--db-cluster-identifiers", "orders",
                ],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertTrue(
                already.stderr.contains("DBProxyTargetAlreadyRegisteredFault"),
                "the proxy already tracks the cluster: \(already.stderr)"
            )

            let failover = try await SandboxAWSTests.aws(
                ["rds", "failover-db-cluster", "--db-cluster-identifier", "orders"],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertEqual(failover.status, 0, failover.stderr)
            XCTAssertTrue(failover.stdout.contains(#""Status": "failing-over""#), failover.stdout)
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            XCTAssertEqual(sandbox.account.dbCluster("orders")?.writer, "orders-2")
        }
    }

    /// The writer taken down (Toxiproxy's `enabled: false`) or stopped fails over after the detection time, on its
    /// own; `sandbox failover --to` moves the writer where it is told.
    func testAWriterTakenDownFailsOverAndTheCLIFailsBack() async throws {
        try await withSandbox(try await Self.start()) { sandbox in
            await sandbox.setDown("orders-1", true)
            try await waitUntil("orders-2 is the writer") { sandbox.writer(of: "orders") == "orders-2" }
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            await sandbox.setDown("orders-1", false)
            await sandbox.database("orders-2")?.stop()  // the new writer stops (a crash): noticed, failed over back
            try await waitUntil("orders-1 is the writer") { sandbox.writer(of: "orders") == "orders-1" }
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            try await waitUntil("orders-2 runs again") { sandbox.database("orders-2")?.isRunning == true }
            XCTAssertEqual(
                sandbox.audit.events(AuditQuery(kind: .failover, outcome: "begun")).map(\.subject),
                ["orders", "orders"],
                "both detections are recorded"
            )
            // no reader: failover is refused, the cluster keeps its (down) writer, and the sandbox runs on
            await sandbox.setDown("solo-1", true)
            try await waitUntil("the refused failover is recorded") {
                !sandbox.audit.events(AuditQuery(kind: .failover, outcome: "refused", containing: "solo")).isEmpty
            }
            XCTAssertEqual(sandbox.writer(of: "solo"), "solo-1")

            let file = sandbox.stateDirectory.appendingPathComponent("endpoints.json").path
            try sandbox.endpoints.write(to: file)
            let executable = try XCTUnwrap(
                SandboxCLITests.executable,
                "build the sandbox executable first (swift build)"
            )
            let back = try await Subprocess.runOffThread([
                executable, "failover", "orders", "--to", "orders-2", "--wait", "--endpoints-file", file,
            ])
            XCTAssertEqual(back.status, 0, back.stderr)
            XCTAssertTrue(
                back.stdout.contains(#""promoting" : "orders-2""#) && back.stdout.contains(#""writer" : "orders-2""#),
                back.stdout
            )
            let refused = try await Subprocess.runOffThread([executable, "failover", "solo", "--endpoints-file", file])
            XCTAssertNotEqual(refused.status, 0)
            XCTAssertTrue(
                refused.stderr.contains("InvalidDBClusterStateFault") && refused.stderr.contains("no reader"),
                refused.stderr
            )
        }
    }

}
