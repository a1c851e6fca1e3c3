import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore
import SandboxAudit
import SandboxRDSProxy
import SandboxScriptedMySQL
import SandboxTopology
import SandboxVirtualNetwork
import ServiceLifecycle

/// The sandbox's Aurora-style clusters on the data plane: their instances, which is the writer, the proxies in
/// front of them, and failover. As a `Service` of the sandbox, it runs replication and carries out each failover that
/// FailoverDBCluster or a writer going down began: the proxies hold new requests, the old writer restarts (its
/// connections drop: statements in flight fail), a reader is promoted after `promotionSeconds`, the proxies move
/// to it, and the old writer comes back as a reader after `rebootSeconds`. The cluster endpoint's name resolves to
/// the old writer for `dnsTTLSeconds` after a promotion, as cached DNS answers do; `hostsFile` holds what the
/// cluster names resolve to now, rewritten as that changes, for the process functions' resolver.
package final class ClusterRuntime: Service {
    package struct Cluster: Sendable {
        package var spec: Topology.Cluster
        /// The cluster (writer) endpoint's and the reader endpoint's names.
        package var endpoint: String
        package var readerEndpoint: String
        package var members: [String: any ClusterMember]
        package var databases: [String: Endpoints.Database]
        /// With `replicaLagSeconds`: the members' replication (each on its own volume); nil: one shared volume.
        package var replication: ClusterReplication?

        package init(
            spec: Topology.Cluster,
            endpoint: String,
            readerEndpoint: String,
            members: [String: any ClusterMember],
            databases: [String: Endpoints.Database],
            replication: ClusterReplication?
        ) {
            self.spec = spec
            self.endpoint = endpoint
            self.readerEndpoint = readerEndpoint
            self.members = members
            self.databases = databases
            self.replication = replication
        }
    }

    private enum Request: Sendable {
        /// The account began a failover of the cluster to this reader.
        case begun(cluster: String, target: String)
        /// The cluster's writer went down (`stopped`: it stopped listening; else the network took it down).
        case writerDown(cluster: String, stopped: Bool)
        /// A reader was promoted: what the names resolve to changes now (the reader endpoint) and once the TTL passed.
        case promoted(cluster: String)
    }

    struct State {
        var writers: [String: String] = [:]
        /// The proxy listeners in front of each cluster: READ_WRITE ones follow the writer, READ_ONLY ones a reader.
        var proxies: [String: [any FailoverFollowing]] = [:]
        var readerProxies: [String: [any FailoverFollowing]] = [:]
        /// What each cluster's names resolve to: its endpoint and its reader endpoint → an instance's address.
        var answers: [String: String] = [:]
    }

    package let clusters: [String: Cluster]
    /// `name=address` lines: each cluster endpoint's and reader endpoint's name and what it resolves to now.
    package let hostsFile: URL
    private let account: AccountState
    let logger: Logger
    let state: NIOLockedValueBox<State>
    /// Held while DNS answers are written to `hostsFile` and then published, so the file never goes back in time.
    let publishing = NIOLock()
    private let requests: AsyncStream<Request>
    private let request: AsyncStream<Request>.Continuation

    package init(clusters: [String: Cluster], account: AccountState, hostsFile: URL, logger: Logger) {
        self.clusters = clusters
        self.hostsFile = hostsFile
        self.account = account
        self.logger = logger
        self.state = NIOLockedValueBox(State(writers: clusters.mapValues { $0.spec.instances[0].id }))
        (self.requests, self.request) = AsyncStream.makeStream()
        for (id, cluster) in clusters { self.publish(id, endpointTo: cluster.spec.instances[0].id) }
        // A writer that stops outside a failover (a crash) is noticed when it stops, as Aurora's health checks notice
        // it.
        for (id, server) in clusters.values.flatMap(\.members) {
            server.setStopObserver { [weak self] in self?.instanceWentDown(id, stopped: true) }
        }
    }

    /// The instance that is the writer of `cluster` now.
    package func writer(of cluster: String) -> String? { self.state.withLockedValue { $0.writers[cluster] } }

    /// The address a cluster endpoint's name resolves to now: the writer's (the old writer's until the TTL has passed
    /// since a promotion), or a reader's for the reader endpoint; nil for other names.
    package func resolve(_ name: String) -> String? { self.state.withLockedValue { $0.answers[name] } }

    /// The cluster `instance` belongs to.
    func cluster(of instance: String) -> String? {
        self.clusters.first { $0.value.members[instance] != nil }?.key
    }

    /// The readers of `cluster` now (running members other than the writer), in the cluster's order.
    package func readers(of cluster: String) -> [String] {
        guard let spec = self.clusters[cluster] else { return [] }
        let writer = self.writer(of: cluster)
        return spec.spec.instances.map(\.id).filter { $0 != writer && spec.members[$0]?.isRunning == true }
    }

    /// `proxy` targets `cluster`'s writer (READ_WRITE) or one of its readers (READ_ONLY) and follows failover.
    package func attach(
        _ proxy: any FailoverFollowing,
        to cluster: String,
        role: DBProxyEndpointTargetRole = .readWrite
    ) {
        self.state.withLockedValue {
            switch role {
            case .readWrite: $0.proxies[cluster, default: []].append(proxy)
            case .readOnly: $0.readerProxies[cluster, default: []].append(proxy)
            }
        }
    }

    /// Stops following `proxy` (a deleted endpoint).
    package func detach(_ proxy: any FailoverFollowing) {
        self.state.withLockedValue { state in
            for key in state.proxies.keys { state.proxies[key]?.removeAll { $0 === proxy } }
            for key in state.readerProxies.keys { state.readerProxies[key]?.removeAll { $0 === proxy } }
        }
    }

    /// Carries out a failover that the account has begun (its `ClusterFailoverRunner`).
    package func failoverBegun(cluster: String, target: String) {
        self.request.yield(.begun(cluster: cluster, target: target))
    }

    /// Instance `id` went down — taken down by the network (a `down` toxic), or `stopped` listening (a crash): if it
    /// is a writer, failover starts after the cluster's detection time, as Aurora notices a failed writer. A stop
    /// during a failover is the failover's own (one that ends with its writer stopped checks again).
    package func instanceWentDown(_ id: String, stopped: Bool = false) {
        guard let cluster = self.cluster(of: id), self.writer(of: cluster) == id else { return }
        if stopped, self.account.dbCluster(cluster)?.status != .available { return }
        self.request.yield(.writerDown(cluster: cluster, stopped: stopped))
    }

    /// What the last failover of `cluster` lost (asynchronous replication only).
    package func lostTransactions(of cluster: String) -> [CommittedTransaction] {
        self.clusters[cluster]?.replication?.lostTransactions ?? []
    }

    /// Runs failovers and replication until graceful shutdown or cancellation; then the account has no one to
    /// carry out a failover.
    package func run() async throws {
        await cancelWhenGracefulShutdown { await self.serve() }
        self.account.setClusterFailoverRunner(nil)
    }

    private func serve() async {
        await withDiscardingTaskGroup { group in
            for replication in self.clusters.values.compactMap(\.replication) {
                group.addTask { await replication.run() }
            }
            for await request in self.requests {
                switch request {
                case let .begun(cluster, target): group.addTask { await self.failover(cluster, to: target) }
                case let .writerDown(cluster, stopped):
                    group.addTask { await self.detectFailedWriter(of: cluster, stopped: stopped) }
                case let .promoted(cluster):
                    let ttl = (self.clusters[cluster]?.spec.failover ?? .init()).timings.dnsTTL
                    group.addTask {
                        guard await Self.pause(ttl), let writer = self.writer(of: cluster) else { return }
                        self.publish(cluster, endpointTo: writer)
                    }
                }
            }
        }
    }

    /// The writer went down: after the detection time, failover begins as FailoverDBCluster begins it (or, with no
    /// reader to promote, is refused: the audit log records which).
    private func detectFailedWriter(of id: String, stopped: Bool) async {
        guard let cluster = self.clusters[id], await Self.pause((cluster.spec.failover ?? .init()).timings.detection)
        else { return }
        let writer = self.writer(of: id) ?? ""
        // A writer that was restarted within the detection time passes the next health check: nothing to fail over.
        if stopped, cluster.members[writer]?.isRunning == true { return }
        do {
            try self.account.beginClusterFailover(id, target: nil)  // calls back with the reader it picked
            self.logger.decide(
                .failover,
                subject: id,
                outcome: "begun",
                reason: "writer \(writer) stopped answering",
                level: .info,
                "the writer went down: failover begins",
                metadata: ["db.writer": "\(writer)"]
            )
        } catch {
            self.logger.decide(
                .failover,
                subject: id,
                outcome: "refused",
                reason: "\(error)",
                level: .warning,
                "the writer went down and the cluster cannot fail over",
                metadata: ["db.writer": "\(writer)"]
            )
        }
    }

    private func failover(_ id: String, to target: String) async {
        guard let cluster = self.clusters[id] else { return }
        let timings = (cluster.spec.failover ?? .init()).timings
        guard let old = self.writer(of: id), let promoted = cluster.members[target],
            let oldServer = cluster.members[old],
            let database = cluster.databases[target]
        else { return }
        self.logger.info(
            "failover begins",
            metadata: ["db.cluster": "\(id)", "db.writer": "\(old)", "db.promoting": "\(target)"]
        )
        let proxies = self.state.withLockedValue { $0.proxies[id] ?? [] }
        for proxy in proxies { proxy.targetFailingOver() }
        // Read-only endpoints leave the reader being promoted: for another reader, or they wait for one.
        await self.moveReaderEndpoints(of: id, avoiding: [target])
        await oldServer.stop()
        guard await Self.pause(timings.promotion) else { return }
        cluster.replication?.promote(target)
        promoted.setReadOnly(false)
        oldServer.setReadOnly(true)
        self.state.withLockedValue { $0.writers[id] = target }
        // The reader endpoint's answer changes now; the cluster endpoint's still names the old writer until the TTL
        // passes.
        self.publish(id, endpointTo: old)
        self.request.yield(.promoted(cluster: id))
        self.account.setClusterWriter(id, writer: target)
        for proxy in proxies { await proxy.retarget(Self.target(proxy.target, movedTo: target, database)) }
        self.logger.info("failover: new writer", metadata: ["db.cluster": "\(id)", "db.writer": "\(target)"])
        guard await Self.pause(timings.reboot) else { return }
        do {
            try await cluster.replication?.rebuild(old, from: target)
            try await oldServer.start()
        } catch {
            self.logger.error(
                "the old writer did not come back as a reader",
                metadata: ["db.instance": "\(old)", "error": "\(error)"]
            )
        }
        await self.moveReaderEndpoints(of: id, avoiding: [])
        self.account.completeClusterFailover(id)
        if let writer = self.writer(of: id), cluster.members[writer]?.isRunning == false {
            self.instanceWentDown(writer, stopped: true)
        }
    }

    /// Sleeps `seconds`; false when the sandbox is shutting down.
    private static func pause(_ seconds: Double) async -> Bool {
        try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        return !Task.isCancelled
    }
}
