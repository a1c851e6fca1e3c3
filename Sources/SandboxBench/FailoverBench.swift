import CloudSandbox
import Foundation
import Logging
import SandboxPKI
import SandboxTesting

/// Client-visible downtime of a failover, through the proxy and straight to the cluster endpoint, side by side in
/// one run: writers on both paths, a failover a second in, and what each path's clients saw; on Aurora MySQL
/// (Sandbox/aurora-failover.yaml) with shared storage and with asynchronous replication (what it loses), and on
/// Aurora PostgreSQL (Sandbox/aurora-postgresql.yaml).
enum FailoverBench {
    /// `FAILOVER_PROFILE=aws` takes Aurora-like timings (each run then lasts about a minute).
    static func run(logger: Logger, profile: String) async throws {
        let clients = 4
        var report = Report([
            "failover (\(clients) writers per path, \(profile) timings)", "cluster", "acked", "lost",
            "longest stall (s)", "errors", "errors per client",
        ])
        var timings = Topology.Cluster.Failover().timings
        var ratios: [String] = []
        for (engine, lag) in [(Engine.mysql, nil), (.mysql, 0.5), (.postgres, nil)] as [(Engine, Double?)] {
            let (rows, used) = try await Self.measure(
                engine,
                profile: profile,
                replicaLag: lag,
                clients: clients,
                logger: logger
            )
            for row in rows { report.add(row.cells) }
            if lag == nil { ratios.append("\(engine.name) \(format(rows[0].stall / max(rows[1].stall, 0.001)))") }
            timings = used
        }
        report.print()
        print(
            "downtime through the proxy / straight to the endpoint (shared storage): \(ratios.joined(separator: ", "))"
                + " (promotion \(format(timings.promotion)) s, reboot \(format(timings.reboot)) s, DNS TTL "
                + "\(format(timings.dnsTTL)) s)"
        )
    }

    private struct Row {
        var cells: [String]
        var stall: Double
    }

    /// The cluster's engine, its topology and the client its writers use (libmariadb, or the PostgreSQL protocol over
    /// TLS).
    private enum Engine {
        case mysql, postgres

        var name: String { self == .mysql ? "Aurora MySQL" : "Aurora PostgreSQL" }
        var topology: String { self == .mysql ? "Sandbox/aurora-failover.yaml" : "Sandbox/aurora-postgresql.yaml" }

        /// Writes rows to `port` at `address()` (TLS verified for `name` against `bundle`); reads them from a host.
        func writer(
            port: Int,
            bundle: String?,
            name: String,
            address: @escaping @Sendable () -> String?
        ) throws
            -> (write: @Sendable (RowID) async throws -> Void, stored: @Sendable (String) async throws -> [RowID])
        {
            switch self {
            case .mysql:
                let writer = MySQLRowWriter(
                    port: port,
                    user: "app",
                    password: "app-Passw0rd",
                    database: "shop",
                    table: "writes",
                    address: address
                )
                return (writer.write, writer.stored(host:))
            case .postgres:
                let tls = try bundle.map {
                    try ClientTLS.trusting(caPEM: String(contentsOfFile: $0, encoding: .utf8), serverHostname: name)
                }
                let writer = PostgresRowWriter(
                    port: port,
                    user: "app",
                    password: "app-Passw0rd",
                    database: "shop",
                    table: "writes",
                    tls: tls,
                    address: address
                )
                return (writer.write, writer.stored(host:))
            }
        }
    }

    private static func measure(
        _ engine: Engine,
        profile: String,
        replicaLag: Double?,
        clients: Int,
        logger: Logger
    ) async throws -> ([Row], Topology.Cluster.Failover.Timings) {
        var (topology, base) = try TopologyLoader.load(path: engine.topology)
        topology.clusters?[0].failover = .init(profile: profile == "aws" ? .aws : .fast)
        topology.clusters?[0].replicaLagSeconds = replicaLag
        let sandbox = try await Sandbox.start(topology, baseDirectory: base, logger: logger)
        return try await withSandbox(sandbox) { sandbox in
            guard let cluster = sandbox.endpoints.clusters?["orders"],
                let proxy = sandbox.endpoints.proxies?["orders-proxy"],
                let bundle = sandbox.endpoints.databases[cluster.writer]?.caBundle
            else {
                throw BenchFailure("the failover topology did not start")
            }
            let timings = (topology.clusters?.first?.failover ?? .init()).timings
            let seconds = 2 + timings.detection + timings.promotion + timings.reboot + timings.dnsTTL + 2
            let direct = try engine.writer(port: cluster.port, bundle: bundle, name: cluster.endpoint) {
                sandbox.resolve(cluster.endpoint)
            }
            let proxied = try engine.writer(port: proxy.port, bundle: proxy.caBundle, name: proxy.endpoint) {
                proxy.host
            }
            async let directEvents = WriteWorkload(clients: clients, duration: .seconds(seconds)).run(
                write: direct.write,
                describe: { "\($0)" }
            ) {
                try await Task.sleep(for: .seconds(1))
                try sandbox.failover(cluster: "orders")
            }
            async let proxyEvents = WriteWorkload(clients: clients, firstClient: 100, duration: .seconds(seconds)).run(
                write: proxied.write,
                describe: { "\($0)" }
            )
            let (directLog, proxyLog) = try await (directEvents, proxyEvents)
            guard let host = sandbox.writer(of: "orders").flatMap({ sandbox.endpoints.databases[$0]?.host }) else {
                throw BenchFailure("no writer after failover")
            }
            let stored = try await direct.stored(host)
            let storage = engine.name + ", " + (replicaLag.map { "async, \(format($0)) s lag" } ?? "shared")
            return (
                [
                    ("through the proxy", WorkloadReport(events: proxyLog, stored: stored.filter { $0.client >= 100 })),
                    (
                        "straight to the cluster endpoint",
                        WorkloadReport(events: directLog, stored: stored.filter { $0.client < 100 })
                    ),
                ].map { path, result in
                    let errors = result.errors.values.reduce(0, +)
                    let stall = Self.seconds(result.longestStall)
                    return Row(
                        cells: [
                            path, storage, String(result.acknowledged), String(result.lost.count), format(stall),
                            result.errors.isEmpty
                                ? "none"
                                : result.errors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(
                                    separator: " "
                                ),
                            format(Double(errors) / Double(clients)),
                        ],
                        stall: stall
                    )
                }, timings
            )
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
