import Foundation
import SandboxAWSCore
import SandboxClusterFailover
import SandboxRDSProxy
import SandboxVirtualNetwork

/// Turns a proxy endpoint's record into a listener of its own: the proxy's auth, pool settings and TLS CA, with a
/// certificate for the endpoint's name, its ENI's security groups, and a target by role — the writer for
/// READ_WRITE, a reader of the tracked cluster for READ_ONLY (following failover). Its target connections leave
/// from the proxy's ENI, as RDS Proxy's do.
enum ProxyEndpointFactory {
    /// `endsAlone`: an endpoint created while the sandbox runs, which its deletion stops.
    static func start(
        _ record: DBProxyEndpointRecord,
        of proxy: RDSProxyServer,
        host: String,
        context: ProxyFactory.Context,
        endsAlone: Bool = false
    ) async throws -> (RDSProxyServer, Endpoints.ProxyEndpoint) {
        let clusterID = proxy.configuration.record.trackedCluster
        var target = proxy.target
        if record.targetRole == .readOnly, let clusterID, let cluster = context.clusters.clusters[clusterID],
            let reader = context.clusters.readers(of: clusterID).first, let database = cluster.databases[reader]
        {
            target = ClusterRuntime.target(target, movedTo: reader, database)
        }
        let certificate = try context.certificates.proxyCA.issueServerCertificate(
            commonName: record.endpoint,
            dnsNames: [record.endpoint],
            ipAddresses: [host]
        )
        var configuration = proxy.configuration
        configuration.host = host
        configuration.port = 0
        configuration.endpointName = record.endpoint
        configuration.target = target
        configuration.tls = try certificate.serverTLSConfiguration()
        configuration.otherTargets = nil
        if let network = context.network {
            let name = record.name
            configuration.connectionFront = { channel in try network.admit(channel, to: name, port: 3306) }
            configuration.peerName = { network.owner(ofPeer: $0) }
            configuration.reachability = ProxyFactory.reachability(from: record.proxyName, in: network, port: 3306)
        }
        let server = try RDSProxyServer(configuration: configuration)
        if let clusterID { context.clusters.attach(server, to: clusterID, role: record.targetRole) }
        // no reader up yet
        if record.targetRole == .readOnly, target.instanceID == proxy.target.instanceID { server.targetFailingOver() }
        try await context.services.start(server, name: "proxy endpoint \(record.name)", endsAlone: endsAlone)
        context.account.setProxyEndpointStatus(record.name, .available)
        let described = Endpoints.ProxyEndpoint(
            endpoint: record.endpoint,
            host: host,
            port: server.port,
            targetRole: record.targetRole.rawValue,
            eni: context.network?.model.eni(owner: record.name).map(Endpoints.Interface.init)
        )
        return (server, described)
    }
}
