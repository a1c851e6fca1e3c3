import Foundation
import Logging
import NIOSSL
import SandboxAWSCore
import SandboxClusterFailover
import SandboxLifecycle
import SandboxPKI
import SandboxRDSProxy
import SandboxVirtualNetwork

/// Turns a topology's proxy into a control-plane record (DescribeDBProxies) and a running RDS Proxy on its
/// ENI, with a certificate from the proxy CA, in front of its instance or cluster; then its additional endpoints.
enum ProxyFactory {
    /// What every factory builds from: the topology, the account, the network, the CAs, the instances started.
    struct Context {
        var topology: Topology
        var account: AccountState
        var network: VirtualNetwork?
        var certificates: SandboxCertificates
        var databases: [String: Endpoints.Database]
        var clusters: ClusterRuntime
        var block: LoopbackAddressBlock
        /// The sandbox's services, which each listener joins.
        var services: SandboxServices
        /// The proxies' timers' time.
        var clock: any SandboxClock
        var logger: Logger
    }

    /// Why the network keeps proxy `name`'s ENI from a target's instance on `port` (nil: the path exists).
    static func reachability(
        from name: String,
        in network: VirtualNetwork,
        port: Int
    ) -> @Sendable (RDSProxyConfiguration.Target) -> String? {
        { target in
            target.instanceID.flatMap { NetworkPlan.analyze(network.model, from: name, to: $0, port: port) }.flatMap {
                result in
                result.isReachable ? nil : result.explanations.map(\.text).joined(separator: "; ")
            }
        }
    }

    /// What both engines' proxies are made from: the control-plane record (CreateDBProxy validated), the certificate
    /// from the proxy CA, and the target (a cluster's writer) with its endpoint and the trust to dial it with.
    struct Prepared {
        var record: DBProxyRecord
        var certificate: TLSConfiguration
        var targetID: String
        var cluster: ClusterRuntime.Cluster?
        var database: Endpoints.Database
        var instance: Topology.DatabaseInstance
        var targetTLS: ClientTLS?
    }

    static func prepare(_ spec: Topology.Proxy, path: String, host: String, context: Context) throws -> Prepared {
        let account = context.account
        let roleARN = account.roleARN(spec.role)
        // A proxy in front of a cluster targets its writer and follows it through failover.
        let cluster = context.clusters.clusters[spec.target]
        let targetID = cluster.flatMap { context.clusters.writer(of: $0.spec.id) } ?? spec.target
        let instance = context.topology.instances.first { $0.id == targetID }!
        let engine = instance.resolvedEngine
        let auth = try spec.auth.enumerated().map { a, entry throws(TopologyError) -> [String: String] in
            guard let arn = entry.secret.hasPrefix("arn:") ? entry.secret : account.secretARN(named: entry.secret)
            else {
                throw TopologyError(path: "\(path).auth[\(a)].secret", "no secret '\(entry.secret)' exists")
            }
            let type = entry.clientPasswordAuthType ?? (engine == .postgres ? .scramSHA256 : .nativePassword)
            return [
                "AuthScheme": "SECRETS", "SecretArn": arn, "IAMAuth": (entry.iamAuth ?? .disabled).rawValue,
                "ClientPasswordAuthType": type.rawValue,
            ]
        }
        var pool: [String: String] = [:]
        if let group = spec.targetGroup {
            pool["MaxConnectionsPercent"] = group.maxConnectionsPercent.map(String.init)
            pool["MaxIdleConnectionsPercent"] = group.maxIdleConnectionsPercent.map(String.init)
            pool["ConnectionBorrowTimeout"] = group.connectionBorrowTimeout.map(String.init)
            pool["InitQuery"] = group.initQuery
            for (i, filter) in (group.sessionPinningFilters ?? []).enumerated() {
                pool["SessionPinningFilters.member.\(i + 1)"] = filter
            }
        }
        let record: DBProxyRecord
        do throws(AWSError) {
            record = try account.createDBProxy(
                name: spec.name,
                engineFamily: engine.family,
                roleARN: roleARN,
                auth: auth,
                requireTLS: spec.requireTLS ?? false,
                idleClientTimeout: spec.idleClientTimeout,
                subnets: spec.subnets ?? ["subnet-sandbox"],
                securityGroups: spec.securityGroups ?? [],
                pool: pool,
                targets: cluster == nil ? [targetID] : [],
                trackedCluster: cluster?.spec.id,
                resourceID: spec.resourceId
            )
        } catch {
            throw TopologyError(path: path, "\(error.code): \(error.message)")
        }
        let wildcard = "*." + record.endpoint.split(separator: ".").dropFirst().joined(separator: ".")
        let certificate = try context.certificates.proxyCA.issueServerCertificate(
            commonName: record.endpoint,
            dnsNames: [record.endpoint, wildcard],
            ipAddresses: [host]
        )
        let database = context.databases[targetID]!
        // A cluster's proxy dials the cluster endpoint's name, which every member's certificate carries.
        let targetName = cluster?.endpoint ?? database.endpoint
        let targetTLS = try database.caBundle.map { _ in
            try ClientTLS.trusting(caPEM: context.certificates.rdsCA.certificatePEM, serverHostname: targetName)
        }
        return Prepared(
            record: record,
            certificate: try certificate.serverTLSConfiguration(),
            targetID: targetID,
            cluster: cluster,
            database: database,
            instance: instance,
            targetTLS: targetTLS
        )
    }

    /// A proxy's run-time configuration, for either engine (`port`: 3306 or 5432 in its VPC): its target (a cluster's
    /// writer), listening on its ENI with the network's rules, health-checking what the network lets it reach and, in
    /// front of a cluster, its readers too (DescribeDBProxyTargets' READ_ONLY rows).
    static func configuration(
        of spec: Topology.Proxy,
        _ prepared: Prepared,
        host: String,
        port: Int,
        context: Context
    ) -> RDSProxyConfiguration {
        let network = context.network
        let name = spec.name
        var configuration = RDSProxyConfiguration(
            record: prepared.record,
            account: context.account,
            host: host,
            virtualPort: port,
            target: .init(
                instanceID: prepared.targetID,
                host: prepared.database.host,
                port: prepared.database.port,
                maxConnections: prepared.instance.maxConnections ?? (port == 5432 ? 100 : 151),
                tls: prepared.targetTLS,
                sourceAddress: network == nil ? nil : host
            ),
            tls: prepared.certificate,
            maxClientConnections: spec.maxClientConnections ?? 4_000,
            logger: context.logger
        )
        configuration.clock = context.clock
        if let network {
            configuration.connectionFront = { channel in try network.admit(channel, to: name, port: port) }
            configuration.peerName = { network.owner(ofPeer: $0) }
            configuration.reachability = Self.reachability(from: name, in: network, port: port)
        }
        if let cluster = prepared.cluster {
            let clusters = context.clusters
            let base = configuration.target
            configuration.otherTargets = {
                let writer = clusters.writer(of: cluster.spec.id)
                return cluster.spec.instances.map(\.id).filter { $0 != writer }.compactMap { id in
                    cluster.databases[id].map { ClusterRuntime.target(base, movedTo: id, $0) }
                }
            }
        }
        return configuration
    }

    /// Starts the proxy and its additional endpoints (each in `endpointServers`), as services of the sandbox.
    static func start(
        _ spec: Topology.Proxy,
        index: Int,
        host: String,
        context: Context,
        endpointServers: inout [String: RDSProxyServer]
    ) async throws -> (RDSProxyServer, Endpoints.Proxy) {
        let path = "proxies[\(index)]"
        let account = context.account
        let prepared = try Self.prepare(spec, path: path, host: host, context: context)
        let (record, cluster) = (prepared.record, prepared.cluster)
        let network = context.network
        let name = spec.name
        let configuration = Self.configuration(of: spec, prepared, host: host, port: 3306, context: context)
        let server = try RDSProxyServer(configuration: configuration)
        if let cluster { context.clusters.attach(server, to: cluster.spec.id) }
        try await context.services.start(server, name: "proxy \(spec.name)")
        var endpoint = Endpoints.Proxy(
            endpoint: record.endpoint,
            host: host,
            port: server.port,
            requireTLS: record.requireTLS,
            iamAuth: record.auth.contains { $0.iamAuth == "REQUIRED" },
            resourceId: record.resourceID,
            caBundle: context.certificates.proxyBundlePath,
            eni: network?.model.eni(owner: name).map(Endpoints.Interface.init)
        )
        for (offset, (path, owner, endpointSpec)) in context.topology.placedProxyEndpoints.enumerated()
        where owner.name == spec.name {
            let listener =
                try network?.model.eni(owner: endpointSpec.name)?.loopback
                ?? context.block.address(try NetworkPlan.proxyEndpointHost(context.topology, offset))
            let created: DBProxyEndpointRecord
            do throws(AWSError) {
                created = try account.createDBProxyEndpoint(
                    proxy: record.name,
                    name: endpointSpec.name,
                    targetRole: endpointSpec.targetRole ?? .readWrite,
                    subnets: endpointSpec.subnets ?? spec.subnets ?? ["subnet-sandbox"],
                    securityGroups: endpointSpec.securityGroups ?? []
                )
            } catch {
                throw TopologyError(path: path, "\(error.code): \(error.message)")
            }
            let (endpointServer, described) = try await ProxyEndpointFactory.start(
                created,
                of: server,
                host: listener,
                context: context
            )
            endpointServers[created.name] = endpointServer
            endpoint.endpoints = (endpoint.endpoints ?? [:]).merging([created.name: described]) { $1 }
        }
        return (server, endpoint)
    }
}
