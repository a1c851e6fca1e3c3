import CloudSandbox
import Foundation
import Logging
import SandboxTesting

/// Client-visible downtime of a failover, through the proxy and straight to the cluster endpoint, side by side in
/// one run on Sandbox/aurora-failover.yaml: writers on both paths, a failover a second in, and what each path's
/// clients saw; once with Aurora's shared storage and once with asynchronous replication (what it loses).
enum FailoverBench {
    /// `FAILOVER_PROFILE=aws` takes Aurora-like timings (each run then lasts about a minute).
    static func run(logger: Logger, profile: String) async throws {
        let clients = 4
        var report = Report(["failover (\(clients) writers per path, \(profile) timings)", "storage", "acked", "lost", "longest stall (s)", "errors", "errors per client"])
        var timings = Topology.Cluster.Failover().timings
        var stalls: [Double] = []
        for lag in [nil, 0.5] as [Double?] {
            let (rows, used) = try await Self.measure(profile: profile, replicaLag: lag, clients: clients, logger: logger)
            for row in rows { report.add(row.cells) }
            if lag == nil { stalls = rows.map(\.stall) }
            timings = used
        }
        report.print()
        print("downtime through the proxy / straight to the endpoint (shared storage): \(format(stalls[0] / max(stalls[1], 0.001)))"
              + " (promotion \(format(timings.promotion)) s, reboot \(format(timings.reboot)) s, DNS TTL \(format(timings.dnsTTL)) s)")
    }

    private struct Row { var cells: [String]; var stall: Double }

    private static func measure(profile: String, replicaLag: Double?, clients: Int,
                                logger: Logger) async throws -> ([Row], Topology.Cluster.Failover.Timings) {
        var (topology, base) = try TopologyLoader.load(path: "Sandbox/aurora-failover.yaml")
        topology.clusters?[0].failover = .init(profile: profile == "aws" ? .aws : .fast)
        topology.clusters?[0].replicaLagSeconds = replicaLag
        let sandbox = try await Sandbox.start(topology, baseDirectory: base, logger: logger)
        return try await withSandbox(sandbox) { sandbox in
            guard let cluster = sandbox.endpoints.clusters?["orders"], let proxy = sandbox.endpoints.proxies?["orders-proxy"] else {
                throw BenchFailure("the failover topology did not start")
            }
            func writer(_ port: Int, _ address: @escaping @Sendable () -> String?) -> MySQLRowWriter {
                MySQLRowWriter(port: port, user: "app", password: "app-Passw0rd", database: "shop", table: "writes", address: address)
            }
            let timings = (topology.clusters?.first?.failover ?? .init()).timings
            let seconds = 2 + timings.detection + timings.promotion + timings.reboot + timings.dnsTTL + 2
            let direct = writer(cluster.port) { sandbox.resolve(cluster.endpoint) }
            let proxied = writer(proxy.port) { proxy.host }
            async let directEvents = WriteWorkload(clients: clients, duration: .seconds(seconds)).run(write: direct.write, describe: { "\($0)" }) {
                try await Task.sleep(for: .seconds(1))
                try sandbox.failover(cluster: "orders")
            }
            async let proxyEvents = WriteWorkload(clients: clients, firstClient: 100, duration: .seconds(seconds)).run(write: proxied.write, describe: { "\($0)" })
            let (directLog, proxyLog) = try await (directEvents, proxyEvents)
            guard let host = sandbox.writer(of: "orders").flatMap({ sandbox.endpoints.databases[$0]?.host }) else { throw BenchFailure("no writer after failover") }
            let stored = try await direct.stored(host: host)
            let storage = replicaLag.map { "async, \(format($0)) s lag" } ?? "shared"
            return ([("through the proxy", WorkloadReport(events: proxyLog, stored: stored.filter { $0.client >= 100 })),
                     ("straight to the cluster endpoint", WorkloadReport(events: directLog, stored: stored.filter { $0.client < 100 }))].map { path, result in
                let errors = result.errors.values.reduce(0, +)
                let stall = Self.seconds(result.longestStall)
                return Row(cells: [path, storage, String(result.acknowledged), String(result.lost.count), format(stall),
                                   result.errors.isEmpty ? "none" : result.errors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "),
                                   format(Double(errors) / Double(clients))], stall: stall)
            }, timings)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
