import FakeAWS
import Foundation
import Logging
import MySQLNIO
import RDSProxy
import VirtualNetwork

/// Turns a topology's proxy into a control-plane record (DescribeDBProxies) and a running RDS Proxy on its
/// ENI, with a certificate from the proxy CA, in front of its instance.
enum ProxyFactory {
    /// What every factory builds from: the topology, the account, the network, the CAs, the instances started.
    struct Context {
        var topology: Topology
        var account: AccountState
        var network: VirtualNetwork?
        var certificates: SandboxCertificates
        var databases: [String: Endpoints.Database]
        var clusters: ClusterRuntime
        var logger: Logger
    }

    static func start(_ spec: Topology.Proxy, index: Int, host: String, context: Context) async throws -> (RDSProxyServer, Endpoints.Proxy) {
        let path = "proxies[\(index)]"
        let account = context.account
        let roleARN = account.roleARN(spec.role)
        let auth = try spec.auth.enumerated().map { a, entry throws(TopologyError) -> [String: String] in
            guard let arn = entry.secret.hasPrefix("arn:") ? entry.secret : account.secretARN(named: entry.secret) else {
                throw TopologyError(path: "\(path).auth[\(a)].secret", "no secret '\(entry.secret)' exists")
            }
            return ["AuthScheme": "SECRETS", "SecretArn": arn, "IAMAuth": (entry.iamAuth ?? .disabled).rawValue,
                    "ClientPasswordAuthType": (entry.clientPasswordAuthType ?? .nativePassword).rawValue]
        }
        var pool: [String: String] = [:]
        if let group = spec.targetGroup {
            pool["MaxConnectionsPercent"] = group.maxConnectionsPercent.map(String.init)
            pool["MaxIdleConnectionsPercent"] = group.maxIdleConnectionsPercent.map(String.init)
            pool["ConnectionBorrowTimeout"] = group.connectionBorrowTimeout.map(String.init)
            pool["InitQuery"] = group.initQuery
            for (i, filter) in (group.sessionPinningFilters ?? []).enumerated() { pool["SessionPinningFilters.member.\(i + 1)"] = filter }
        }
        // A proxy in front of a cluster targets its writer and follows it through failover.
        let cluster = context.clusters.clusters[spec.target]
        let targetID = cluster.flatMap { context.clusters.writer(of: $0.spec.id) } ?? spec.target
        let record: DBProxyRecord
        do throws(AWSError) {
            record = try account.createDBProxy(name: spec.name, roleARN: roleARN, auth: auth, requireTLS: spec.requireTLS ?? false,
                                               idleClientTimeout: spec.idleClientTimeout, subnets: spec.subnets ?? ["subnet-sandbox"],
                                               securityGroups: spec.securityGroups ?? [], pool: pool, targets: [targetID],
                                               resourceID: spec.resourceId)
        } catch {
            throw TopologyError(path: path, "\(error.code): \(error.message)")
        }
        let wildcard = "*." + record.endpoint.split(separator: ".").dropFirst().joined(separator: ".")
        let certificate = try context.certificates.proxyCA.issueServerCertificate(commonName: record.endpoint, dnsNames: [record.endpoint, wildcard],
                                                                                  ipAddresses: [host])
        let database = context.databases[targetID]!
        let instance = context.topology.instances.first { $0.id == targetID }!
        // A cluster's proxy dials the cluster endpoint's name, which every member's certificate carries.
        let targetName = cluster?.endpoint ?? database.endpoint
        let targetTLS = try database.caBundle.map { _ in
            try MySQLConnection.TLS.trusting(caPEM: context.certificates.rdsCA.certificatePEM, serverHostname: targetName)
        }
        let network = context.network
        let name = spec.name
        var configuration = RDSProxyConfiguration(
            record: record, account: account, host: host,
            target: .init(instanceID: targetID, host: database.host, port: database.port, maxConnections: instance.maxConnections ?? 151,
                          tls: targetTLS, sourceAddress: network == nil ? nil : host),
            tls: try certificate.serverTLSConfiguration(), maxClientConnections: spec.maxClientConnections ?? 4_000, logger: context.logger)
        if let network {
            let clusters = context.clusters, clusterID = cluster?.spec.id
            configuration.connectionFront = { channel in try network.admit(channel, to: name, port: 3306) }
            configuration.reachability = {
                let target = clusterID.flatMap { clusters.writer(of: $0) } ?? targetID
                return NetworkPlan.analyze(network.model, from: name, to: target, port: 3306).flatMap { result in
                    result.isReachable ? nil : result.explanations.map(\.text).joined(separator: "; ")
                }
            }
        }
        let server = try RDSProxyServer(configuration: configuration)
        if let cluster { context.clusters.attach(server, to: cluster.spec.id) }
        try await server.start()
        await server.checkTargetHealth()
        let endpoint = Endpoints.Proxy(endpoint: record.endpoint, host: host, port: server.port, requireTLS: record.requireTLS,
                                       iamAuth: record.auth.contains { $0.iamAuth == "REQUIRED" }, resourceId: record.resourceID,
                                       caBundle: context.certificates.proxyBundlePath, eni: network?.model.eni(owner: name).map(Endpoints.Interface.init))
        return (server, endpoint)
    }
}
