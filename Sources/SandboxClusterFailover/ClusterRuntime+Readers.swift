import Foundation
import SandboxAWSCore
import SandboxRDSProxy
import SandboxTopology

/// What follows a cluster's writer besides its proxies: the DNS answers of its names (published to the hosts file
/// the process functions' resolver reads) and its read-only proxy endpoints.
extension ClusterRuntime {
    /// Makes `id`'s endpoint resolve to `writer` and its reader endpoint to its first reader now, writing `hostsFile`
    /// (replaced whole) before `resolve(_:)` answers so: a process never resolves an older answer than the sandbox
    /// gives.
    func publish(_ id: String, endpointTo writer: String) {
        guard let cluster = self.clusters[id] else { return }
        let current = self.writer(of: id) ?? writer
        let reader = cluster.spec.instances.map(\.id).first { $0 != current } ?? current
        self.publishing.withLock {
            var answers = self.state.withLockedValue { $0.answers }
            answers[cluster.endpoint] = cluster.databases[writer]?.host
            answers[cluster.readerEndpoint] = cluster.databases[reader]?.host
            let lines = answers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
            do {
                try Data(lines.utf8).write(to: self.hostsFile, options: .atomic)
            } catch {
                self.logger.warning(
                    "the cluster names' DNS file cannot be written",
                    metadata: ["file": "\(self.hostsFile.path)", "error": "\(error)"]
                )
            }
            self.state.withLockedValue { $0.answers = answers }
        }
    }

    /// Points each read-only endpoint of `cluster` that waits, or targets the writer, a stopped instance or one of
    /// `avoiding`, at the first reader that is none of these; with no such reader it waits (RDS Proxy holds requests
    /// for a reader up to ConnectionBorrowTimeout).
    func moveReaderEndpoints(of id: String, avoiding: Set<String>) async {
        guard let cluster = self.clusters[id] else { return }
        let proxies = self.state.withLockedValue { $0.readerProxies[id] ?? [] }
        let candidates = self.readers(of: id).filter { !avoiding.contains($0) }
        for proxy in proxies {
            let current = proxy.target.instanceID ?? ""
            guard proxy.isWaitingForTarget || !candidates.contains(current) else { continue }
            // Its connections to the instance it leaves close (idle ones now, lent ones as they come back).
            proxy.targetFailingOver()
            guard let reader = candidates.first, let database = cluster.databases[reader] else { continue }
            self.logger.info(
                "read-only proxy endpoint moves",
                metadata: ["db.cluster": "\(id)", "db.reader": "\(reader)"]
            )
            await proxy.retarget(Self.target(proxy.target, movedTo: reader, database))
        }
    }

    /// `target` with `instance`'s identity and address (its TLS name, the cluster endpoint's, stays).
    package static func target(
        _ target: RDSProxyConfiguration.Target,
        movedTo instance: String,
        _ database: Endpoints.Database
    ) -> RDSProxyConfiguration.Target {
        var moved = target
        moved.instanceID = instance
        moved.host = database.host
        moved.port = database.port
        return moved
    }
}
