import CloudSandbox
import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxPKI
import SandboxTesting
import XCTest

/// Aurora PostgreSQL (Sandbox/aurora-postgresql.yaml): members on one volume, a reader that refuses writes with 25006,
/// and failover through the RDS Proxy for PostgreSQL checked against what the cluster holds afterwards: nothing
/// acknowledged is lost, only statements in flight on the old writer fail, and a client that keeps the old writer's
/// address meets 25006 once it is back as a reader.
final class PostgresClusterFailoverTests: XCTestCase {
    private func start() async throws -> Sandbox {
        var (topology, base) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/aurora-postgresql.yaml").path
        )
        topology.clusters?[0].failover = .init(promotionSeconds: 0.3, rebootSeconds: 0.2)
        return try await Sandbox.start(topology, baseDirectory: base)
    }

    /// A writer of `writes` as user app, over TLS verified against `bundle` for `name`.
    private static func writer(
        port: Int,
        bundle: String?,
        name: String,
        address: @escaping @Sendable () -> String?
    ) throws -> PostgresRowWriter {
        let tls = try bundle.map {
            try ClientTLS.trusting(caPEM: String(contentsOfFile: $0, encoding: .utf8), serverHostname: name)
        }
        return PostgresRowWriter(
            port: port,
            user: "app",
            password: "app-Passw0rd",
            database: "shop",
            table: "writes",
            tls: tls,
            address: address
        )
    }

    private static func refusal(_ write: @autoclosure () async throws -> Void) async -> String? {
        do {
            try await write()
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testThroughTheProxyNoAcknowledgedWriteIsLostAndTheOldWriterRefusesWrites() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let cluster = try XCTUnwrap(sandbox.endpoints.clusters?["orders"])
            let first = try XCTUnwrap(sandbox.endpoints.databases["orders-1"])
            let second = try XCTUnwrap(sandbox.endpoints.databases["orders-2"])
            XCTAssertEqual(cluster.writer, "orders-1")
            XCTAssertEqual(first.port, second.port, "members share a port: the cluster endpoint is only an address")
            XCTAssertEqual(sandbox.account.dbCluster("orders")?.engine, "aurora-postgresql")
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["orders-proxy"])
            XCTAssertEqual(proxy.engineFamily, "POSTGRESQL")
            let secret = try sandbox.account.secretValue(
                "orders/app",
                accessKeyID: sandbox.account.rootCredentials.accessKeyID,
                logger: Logger(label: "test")
            )
            let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(secret.utf8)) as? [String: Any])
            XCTAssertEqual(fields["engine"] as? String, "postgres", "as RDS writes an Aurora PostgreSQL secret")
            XCTAssertEqual(fields["host"] as? String, cluster.endpoint)
            XCTAssertEqual(fields["port"] as? Int, first.port)

            // One volume: the writer's commit is on the reader at once; the reader refuses writes as a hot standby
            // does.
            let onWriter = try Self.writer(port: first.port, bundle: first.caBundle, name: cluster.endpoint) {
                first.host
            }
            try await onWriter.write(RowID(client: 900, seq: 1))
            let onReader = try Self.writer(port: second.port, bundle: second.caBundle, name: cluster.readerEndpoint) {
                second.host
            }
            let onReaderRows = try await onReader.stored(host: second.host)
            XCTAssertEqual(onReaderRows, [RowID(client: 900, seq: 1)])
            let refused = await Self.refusal(try await onReader.write(RowID(client: 901, seq: 1)))
            XCTAssertEqual(refused, "PostgreSQL 25006")

            // Four clients write through the proxy (SCRAM over verify-full TLS) while the cluster fails over.
            let throughProxy = try Self.writer(port: proxy.port, bundle: proxy.caBundle, name: proxy.endpoint) {
                proxy.host
            }
            // The failover starts once the writers are under way (40 writes acknowledged), not after a fixed time.
            let acknowledged = NIOLockedValueBox(0)
            let write: @Sendable (RowID) async throws -> Void = { row in
                try await throughProxy.write(row)
                acknowledged.withLockedValue { $0 += 1 }
            }
            let events = try await WriteWorkload(clients: 4, duration: .seconds(3)).run(
                write: write,
                describe: { "\($0)" }
            ) {
                try await waitUntil("the writers are under way") { acknowledged.withLockedValue { $0 } >= 40 }
                try sandbox.failover(cluster: "orders")
            }
            XCTAssertEqual(sandbox.writer(of: "orders"), "orders-2")
            XCTAssertEqual(sandbox.postgresProxy("orders-proxy")?.target.instanceID, "orders-2")
            let report = WorkloadReport(
                events: events,
                stored: try await onReader.stored(host: second.host).filter { $0.client < 900 }
            )
            XCTAssertGreaterThan(report.acknowledged, 20, "\(report)")
            XCTAssertEqual(report.lost, [], "\(report)")
            XCTAssertLessThanOrEqual(
                report.duplicates.count + report.storedUnacknowledged.count,
                report.errors.values.reduce(0, +),
                "\(report)"
            )
            XCTAssertEqual(
                Set(report.errors.keys).subtracting(["PostgreSQL 08006"]),
                [],
                "only statements in flight on the old writer fail, and the clients stay connected: \(report)"
            )

            // The old writer comes back as a reader: a client that kept its address meets 25006; the new writer takes
            // writes.
            try await waitUntil("the cluster is available") {
                sandbox.account.dbCluster("orders")?.status == .available
            }
            let writerRow = sandbox.account.dbProxy(named: "orders-proxy")?.targets.first {
                $0.instanceIdentifier == "orders-2"
            }
            XCTAssertEqual(
                writerRow?.state,
                .available,
                "DescribeDBProxyTargets: the new writer, checked as the proxy moved to it"
            )
            let stale = await Self.refusal(
                try await Self.writer(port: first.port, bundle: first.caBundle, name: cluster.endpoint) { first.host }
                    .write(RowID(client: 902, seq: 1))
            )
            XCTAssertEqual(stale, "PostgreSQL 25006")
            let promoted = try Self.writer(port: second.port, bundle: second.caBundle, name: cluster.endpoint) {
                second.host
            }
            try await promoted.write(RowID(client: 903, seq: 1))
            let rows = try await onWriter.stored(host: first.host)
            XCTAssertTrue(
                rows.contains(RowID(client: 903, seq: 1)) && rows.contains(RowID(client: 900, seq: 1)),
                "one volume under both: \(rows.count) rows"
            )
        }
    }
}
