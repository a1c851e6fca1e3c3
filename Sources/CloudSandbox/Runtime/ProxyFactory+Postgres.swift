import Foundation
import SandboxAWSCore
import SandboxRDSProxy
import SandboxTopology

extension ProxyFactory {
    /// Starts an RDS Proxy for PostgreSQL (its target is a postgres instance or an aurora-postgresql cluster) on its
    /// ENI, serving 5432 in its VPC.
    static func startPostgres(
        _ spec: Topology.Proxy,
        index: Int,
        host: String,
        context: Context
    ) async throws -> (PostgresProxyServer, Endpoints.Proxy) {
        let path = "proxies[\(index)]"
        if spec.endpoints?.isEmpty == false {
            throw TopologyError(
                path: "\(path).endpoints",
                "additional endpoints are not supported for a PostgreSQL proxy yet; drop them"
            )
        }
        let prepared = try Self.prepare(spec, path: path, host: host, context: context)
        let network = context.network
        let configuration = Self.configuration(of: spec, prepared, host: host, port: 5432, context: context)
        let server = try PostgresProxyServer(configuration: configuration)
        try await context.services.start(server, name: "proxy \(spec.name)")
        // In front of an aurora-postgresql cluster it follows the writer through failover.
        if let cluster = prepared.cluster { context.clusters.attach(server, to: cluster.spec.id) }
        let record = prepared.record
        let endpoint = Endpoints.Proxy(
            endpoint: record.endpoint,
            host: host,
            port: server.port,
            requireTLS: record.requireTLS,
            iamAuth: record.auth.contains { $0.iamAuth == "REQUIRED" },
            resourceId: record.resourceID,
            caBundle: context.certificates.proxyBundlePath,
            eni: network?.model.eni(owner: spec.name).map(Endpoints.Interface.init),
            engineFamily: "POSTGRESQL"
        )
        return (server, endpoint)
    }
}
