import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxTesting
import XCTest

/// RDS Proxy endpoints on an Aurora-style cluster, through boto3 and PyMySQL: a READ_ONLY endpoint reaches a reader
/// (writes get 1290) and follows failover; DescribeDBProxyTargets shows the tracked cluster and each member's role;
/// endpoints created through the API listen, and RDS's refusals come back in its words.
final class ProxyEndpointTests: XCTestCase {
    /// Runs Fixtures/aws/proxy_endpoints_scenario.py as the sandbox's root, against `endpoint`'s listener.
    /// What the script printed: its outcomes by key.
    struct Outcomes {
        let values: [String: Any]
        subscript(_ key: String) -> Any? { self.values[key] }
        /// The AWS or MySQL error recorded under `key`, if the call failed.
        func error(_ key: String) -> (code: String, message: String)? {
            (self.values[key] as? [String: Any]).map { ($0["code"] as? String ?? "", $0["message"] as? String ?? "") }
        }
    }

    private func scenario(
        _ sandbox: Sandbox,
        endpoint: String,
        host: String,
        port: Int,
        create: Bool = false
    ) async throws -> Outcomes {
        let environment = try SandboxAWSTests.environment(as: "root", in: sandbox.endpoints)
        let script = TopologyTests.root.appendingPathComponent("Fixtures/aws/proxy_endpoints_scenario.py").path
        let result = try await Subprocess.runOffThread(
            ["python3", script, "orders-proxy", endpoint, host, String(port)] + (create ? ["create"] : []),
            environment: environment
        )
        try XCTSkipIf(result.stderr.contains("No module named"), "boto3 or PyMySQL is not installed; run `make deps`")
        XCTAssertEqual(result.status, 0, result.stderr)
        return Outcomes(
            values: try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                result.stdout
            )
        )
    }

    private static let readOnly =
        "The MySQL server is running with the --read-only option so it cannot execute this statement"

    func testAReadOnlyEndpointReadsFromAReaderRefusesWritesAndFollowsFailover() async throws {
        try await withSandbox(try await ClusterFailoverTests.start()) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["orders-proxy"])
            let reader = try XCTUnwrap(proxy.endpoints?["orders-reader"])
            XCTAssertEqual(reader.targetRole, "READ_ONLY")
            XCTAssertTrue(reader.endpoint.hasPrefix("orders-reader.endpoint.proxy-"), reader.endpoint)
            XCTAssertEqual(sandbox.resolve(reader.endpoint), reader.host)

            let before = try await self.scenario(
                sandbox,
                endpoint: "orders-reader",
                host: reader.host,
                port: reader.port
            )
            XCTAssertEqual(before["read"] as? [Int], [0, 1], "a reader answers the read: \(before.values)")
            XCTAssertEqual(before.error("write")?.code, "1290")
            XCTAssertEqual(before.error("write")?.message, Self.readOnly)
            XCTAssertEqual(
                before["targets"] as? [String],
                [
                    "TRACKED_CLUSTER orders orders - -", "RDS_INSTANCE orders-1 orders READ_WRITE AVAILABLE",
                    "RDS_INSTANCE orders-2 orders READ_ONLY AVAILABLE",
                ]
            )
            let listed = try XCTUnwrap(before["endpoints"] as? [[String: Any]])
            XCTAssertEqual(
                listed.map {
                    "\($0["DBProxyEndpointName"]!) \($0["TargetRole"]!) \($0["IsDefault"]!) \($0["Status"]!)"
                },
                ["default READ_WRITE 1 available", "orders-reader READ_ONLY 0 available"]
            )
            XCTAssertEqual(listed.map { $0["Endpoint"] as? String }, [proxy.endpoint, reader.endpoint])
            XCTAssertEqual(sandbox.proxy("orders-reader")?.target.instanceID, "orders-2")

            // Failover promotes orders-2: the read-only endpoint leaves it, waits for a reader, and reaches orders-1
            // once it is back as one; the roles in DescribeDBProxyTargets follow.
            try sandbox.failover(cluster: "orders")
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            try await waitUntil("the read-only endpoint reaches orders-1") {
                sandbox.proxy("orders-reader")?.target.instanceID == "orders-1"
            }
            let after = try await self.scenario(
                sandbox,
                endpoint: "orders-reader",
                host: reader.host,
                port: reader.port
            )
            XCTAssertEqual(after.error("write")?.code, "1290", "still a reader after failover: \(after.values)")
            XCTAssertEqual((after["read"] as? [Int])?.last, 1)
            XCTAssertEqual(
                (after["targets"] as? [String])?.dropFirst().map {
                    $0.split(separator: " ").prefix(4).joined(separator: " ")
                },
                ["RDS_INSTANCE orders-1 orders READ_ONLY", "RDS_INSTANCE orders-2 orders READ_WRITE"]
            )
            let written = try await self.scenario(sandbox, endpoint: "default", host: proxy.host, port: proxy.port)
            XCTAssertEqual(
                written["write"] as? Int,
                1,
                "the default endpoint writes on the new writer: \(written.values)"
            )
        }
    }

    func testEndpointsCreatedThroughTheAPIListenAndRefusalsAreRDSs() async throws {
        try await withSandbox(try await ClusterFailoverTests.start()) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["orders-proxy"])
            let out = try await self.scenario(
                sandbox,
                endpoint: "orders-reader",
                host: proxy.host,
                port: proxy.port,
                create: true
            )
            XCTAssertEqual(out["created"] as? String, "creating")
            XCTAssertEqual(out.error("bad_role")?.code, "InvalidParameterValue")
            XCTAssertEqual(out.error("duplicate")?.code, "DBProxyEndpointAlreadyExistsFault")
            XCTAssertEqual(out.error("no_proxy")?.code, "DBProxyNotFoundFault")
            XCTAssertEqual(out.error("delete_default")?.code, "InvalidDBProxyEndpointStateFault")
            XCTAssertEqual(out.error("describe_missing")?.code, "DBProxyEndpointNotFoundFault")

            try await waitUntil("orders-reader-extra is available") {
                sandbox.account.dbProxyEndpoint("orders-reader-extra")?.status == .available
            }
            let record = try XCTUnwrap(sandbox.account.dbProxyEndpoint("orders-reader-extra"))
            let host = try XCTUnwrap(sandbox.resolve(record.endpoint), "the new endpoint's name resolves")
            let port = try XCTUnwrap(sandbox.proxy("orders-reader-extra")?.port)
            let through = try await self.scenario(sandbox, endpoint: "orders-reader-extra", host: host, port: port)
            XCTAssertEqual(through.error("write")?.code, "1290", "\(through.values)")
            XCTAssertEqual(
                (through["endpoints"] as? [[String: Any]])?.map { $0["DBProxyEndpointName"] as? String },
                ["default", "orders-reader", "orders-reader-extra"]
            )

            // Renamed: it answers on its new name once moved, and the old name is gone.
            let renamed = try await SandboxAWSTests.aws(
                [
                    "rds", "modify-db-proxy-endpoint", "--db-proxy-endpoint-name", "orders-reader-extra",
                    "--new-db-proxy-endpoint-name", "orders-reads",
                ],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertEqual(renamed.status, 0, renamed.stderr)
            XCTAssertTrue(
                renamed.stdout.contains(#""DBProxyEndpointName": "orders-reads""#)
                    && renamed.stdout.contains(#""Status": "modifying""#),
                renamed.stdout
            )
            try await waitUntil("orders-reads is available") {
                sandbox.account.dbProxyEndpoint("orders-reads")?.status == .available
            }
            let moved = try XCTUnwrap(sandbox.account.dbProxyEndpoint("orders-reads"))
            XCTAssertTrue(moved.endpoint.hasPrefix("orders-reads.endpoint.proxy-"), moved.endpoint)
            XCTAssertNil(sandbox.proxy("orders-reader-extra"))
            XCTAssertNil(sandbox.resolve(record.endpoint))
            let newHost = try XCTUnwrap(sandbox.resolve(moved.endpoint))
            let newPort = try XCTUnwrap(sandbox.proxy("orders-reads")?.port)
            let again = try await self.scenario(sandbox, endpoint: "orders-reads", host: newHost, port: newPort)
            XCTAssertEqual(again.error("write")?.code, "1290", "\(again.values)")

            let deleted = try await SandboxAWSTests.aws(
                ["rds", "delete-db-proxy-endpoint", "--db-proxy-endpoint-name", "orders-reads"],
                as: "root",
                in: sandbox.endpoints
            )
            XCTAssertEqual(deleted.status, 0, deleted.stderr)
            XCTAssertTrue(deleted.stdout.contains(#""Status": "deleting""#), deleted.stdout)
            try await waitUntil("its listener is gone") { sandbox.proxy("orders-reads") == nil }
            XCTAssertNil(sandbox.resolve(moved.endpoint))
        }
    }

    func testReadOnlyEndpointsNeedAClusterWithAReader() throws {
        var (topology, _) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/aurora-failover.yaml").path
        )
        topology.clusters?[0].instances.removeLast()
        XCTAssertThrowsError(try topology.validate()) { error in
            XCTAssertEqual((error as? TopologyError)?.path, "proxies[0].endpoints[0].targetRole")
            XCTAssertTrue(
                "\(error)".contains("has only its writer; add a reader instance or use READ_WRITE"),
                "\(error)"
            )
        }
        (topology, _) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/aurora-failover.yaml").path
        )
        topology.proxies?[0].endpoints?.append(.init(name: "orders-proxy"))
        XCTAssertThrowsError(try topology.validate()) {
            XCTAssertTrue("\($0)".contains("already a proxy or endpoint name"), "\($0)")
        }
    }
}
