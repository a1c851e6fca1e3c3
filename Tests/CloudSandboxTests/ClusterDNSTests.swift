import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

/// A customer's process function that resolves the cluster endpoint on every request meets, across a failover,
/// what it would in AWS: the old writer's address until the DNS TTL has passed since the promotion (1290 once it
/// is back as a reader), then the new writer's.
final class ClusterDNSTests: XCTestCase {
    private struct Answer: Decodable, Equatable {
        var address: String
        var outcome: String
    }

    private func write(_ sandbox: Sandbox, seq: Int) async throws -> Answer {
        let result = try await sandbox.lambda.invoke(
            "cluster-writer",
            payload: Array(#"{"client": 9, "seq": \#(seq)}"#.utf8)
        )
        XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self))
        return try JSONDecoder().decode(Answer.self, from: Data(result.payload))
    }

    func testAProcessFunctionFollowsTheClusterEndpointThroughAFailover() async throws {
        let sandbox = try await ClusterFailoverTests.start { topology in
            topology.clusters?[0].failover = .init(promotionSeconds: 0.3, rebootSeconds: 0.3, dnsTTLSeconds: 3)
            topology.functions?.append(
                .init(
                    name: "cluster-writer",
                    timeout: 10,
                    role: "writer-role",
                    environment: ["DB_HOST": "${cluster:orders}", "DB_PASSWORD": "app-Passw0rd"],
                    command: ["python3", "-m", "awslambdaric", "cluster_writer.handler"],
                    workingDirectory: "../Fixtures/lambda/python"
                )
            )
        }
        try await withSandbox(sandbox) { sandbox in
            let cluster = try XCTUnwrap(sandbox.endpoints.clusters?["orders"])
            let first = try XCTUnwrap(sandbox.endpoints.databases["orders-1"]?.host)
            let second = try XCTUnwrap(sandbox.endpoints.databases["orders-2"]?.host)
            let before = try await self.write(sandbox, seq: 1)
            XCTAssertEqual(before, Answer(address: first, outcome: "written"))

            try sandbox.failover(cluster: "orders")
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            // Within the TTL the name still answers the old writer, now a reader: the write is refused. What the
            // sandbox resolves before and after the call brackets what the function saw.
            let staleBefore = sandbox.resolve(cluster.endpoint) == first
            let during = try await self.write(sandbox, seq: 2)
            if staleBefore, sandbox.resolve(cluster.endpoint) == first {
                XCTAssertEqual(during, Answer(address: first, outcome: "1290"))
            }
            try await waitUntil("the TTL has passed", within: .seconds(10)) {
                sandbox.resolve(cluster.endpoint) == second
            }
            let after = try await self.write(sandbox, seq: 3)
            XCTAssertEqual(after, Answer(address: second, outcome: "written"))
        }
    }
}
