import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAPIGateway
import SandboxAWSCore
import SandboxAudit
import SandboxClusterFailover
import SandboxFakeAWS
import SandboxLambda
import SandboxLifecycle
import SandboxRDSProxy
import SandboxScriptedMySQL
import SandboxScriptedPostgres
import SandboxVirtualNetwork

/// Starts a topology's servers as services of the sandbox, in dependency order — what each needs listens before it
/// starts — and describes where everything is. Nothing here stops anything: the services do, in reverse order.
struct SandboxAssembly {
    var topology: Topology
    var baseDirectory: URL
    var stateDirectory: URL
    var block: LoopbackAddressBlock
    var services: SandboxServices
    var audit: AuditLog
    /// The time of the proxies' timers, clusters' replication lag, functions' and integrations' timeouts.
    var clock: any SandboxClock
    var logger: Logger

    func start(handlers: [String: LambdaHandler]) async throws -> Sandbox {
        let (topology, block, services, logger) = (self.topology, self.block, self.services, self.logger)
        let certificates = try SandboxCertificates(
            region: topology.region,
            directory: self.stateDirectory.appendingPathComponent("certs")
        )
        let account = AccountState(accountID: topology.accountId ?? "123456789012", region: topology.region)
        // The instances' blocking SQLite work (lock waits, SLEEP()) runs on the sandbox's own threads, stopped after
        // them.
        let threadPool = ScriptedMySQLServer.startedPool()
        await services.hold("SQL thread pool") { try? await threadPool.shutdownGracefully() }
        let network = try NetworkPlan.model(for: topology, loopback: { try? block.address($0) })
            .map { VirtualNetwork(model: $0, logger: logger) }
        var instances: [String: ScriptedMySQLServer] = [:]
        var postgresInstances: [String: ScriptedPostgresServer] = [:]
        var databases: [String: Endpoints.Database] = [:]
        var hosts: [String: String] = [:]
        for (index, (_, spec)) in topology.placedInstances.enumerated() {
            hosts[spec.id] = try block.address(try NetworkPlan.hostNumber(index))
        }
        for (index, spec) in topology.databases.enumerated() {
            if let external = spec.external {
                databases[spec.id] = DatabaseInstanceFactory.register(external: external, spec, account: account)
                continue
            }
            if spec.resolvedEngine == .postgres {
                let (server, database) = try await PostgresInstanceFactory.start(
                    spec,
                    path: "databases[\(index)]",
                    host: hosts[spec.id]!,
                    network: network,
                    account: account,
                    certificates: certificates,
                    baseDirectory: self.baseDirectory,
                    services: services,
                    logger: logger
                )
                postgresInstances[spec.id] = server
                databases[spec.id] = database
                continue
            }
            let (server, database) = try await DatabaseInstanceFactory.start(
                spec,
                path: "databases[\(index)]",
                host: hosts[spec.id]!,
                network: network,
                account: account,
                certificates: certificates,
                baseDirectory: self.baseDirectory,
                threadPool: threadPool,
                services: services,
                logger: logger
            )
            instances[spec.id] = server
            databases[spec.id] = database
        }
        var clusterRuns: [String: ClusterRuntime.Cluster] = [:]
        for (index, spec) in (topology.clusters ?? []).enumerated() {
            let cluster = try await ClusterFactory.start(
                of: spec,
                at: "clusters[\(index)]",
                hosts: hosts,
                network: network,
                account: account,
                certificates: certificates,
                baseDirectory: self.baseDirectory,
                threadPool: threadPool,
                services: services,
                clock: self.clock,
                logger: logger,
                started: &instances,
                startedPostgres: &postgresInstances
            )
            clusterRuns[spec.id] = cluster
            databases.merge(cluster.databases) { first, _ in first }
        }
        let clusters = ClusterRuntime(
            clusters: clusterRuns,
            account: account,
            hostsFile: self.stateDirectory.appendingPathComponent("cluster-hosts"),
            logger: logger
        )
        account.setClusterFailoverRunner { clusters.failoverBegun(cluster: $0, target: $1) }
        await services.run(clusters, name: "cluster failover and replication")
        let credentials = try AccountProvisioner.provision(topology, into: account, databases: databases)
        let context = ProxyFactory.Context(
            topology: topology,
            account: account,
            network: network,
            certificates: certificates,
            databases: databases,
            clusters: clusters,
            block: block,
            services: services,
            clock: self.clock,
            logger: logger
        )
        var proxies: [String: RDSProxyServer] = [:]
        var postgresProxies: [String: PostgresProxyServer] = [:]
        var endpointServers: [String: RDSProxyServer] = [:]
        var proxyEndpoints: [String: Endpoints.Proxy] = [:]
        let before = topology.instances.count + (topology.network?.hosts ?? []).count
        for (index, spec) in (topology.proxies ?? []).enumerated() {
            let host =
                try network?.model.eni(owner: spec.name)?.loopback
                ?? block.address(try NetworkPlan.hostNumber(before + index))
            // A cluster's proxy speaks its writer's engine.
            if databases[clusters.writer(of: spec.target) ?? spec.target]?.engine == "postgres" {
                let (server, endpoint) = try await ProxyFactory.startPostgres(
                    spec,
                    index: index,
                    host: host,
                    context: context
                )
                postgresProxies[spec.name] = server
                proxyEndpoints[spec.name] = endpoint
                continue
            }
            let (server, endpoint) = try await ProxyFactory.start(
                spec,
                index: index,
                host: host,
                context: context,
                endpointServers: &endpointServers
            )
            proxies[spec.name] = server
            proxyEndpoints[spec.name] = endpoint
        }
        let endpointRuntime = ProxyEndpointRuntime(context: context, proxies: proxies, started: endpointServers)
        account.setProxyEndpointRunner { endpointRuntime.enqueue($0) }
        await services.run(endpointRuntime, name: "proxy endpoint changes")
        let lambda = try await FunctionFactory.start(
            .init(shared: context, proxies: proxyEndpoints, baseDirectory: self.baseDirectory),
            handlers: handlers
        )
        let apis = try await APIFactory.start(
            topology,
            lambda: lambda,
            block: block,
            account: account,
            services: services,
            clock: self.clock,
            logger: logger
        )
        let faults = SandboxFaults(network: network, instances: instances, proxies: proxies, clusters: clusters)
        // The description route reads the endpoints, known once the AWS endpoint it is served on listens.
        let described = NIOLockedValueBox(Endpoints())
        let routes = ControlRoutes(
            topology: topology,
            endpoints: { described.withLockedValue { $0 } },
            network: network,
            databases: databases,
            proxyEndpoints: proxyEndpoints,
            faults: faults,
            proxies: proxies,
            postgresProxies: postgresProxies,
            clusters: Array(clusterRuns.keys),
            account: account,
            lambda: lambda,
            audit: self.audit
        )
        let aws = AWSEndpoint(
            account: account,
            host: try block.address(2),
            logger: logger,
            restServices: [
                "lambda": LambdaAPI(service: lambda),
                "apigateway": APIGatewayV2API(
                    apis: APIFactory.published(apis),
                    region: account.region,
                    accountID: account.accountID
                ),
            ],
            routes: routes.install
        )
        try await services.start(aws, name: "AWS endpoint")
        logger.info("AWS endpoint listening", metadata: ["aws.endpoint": "\(aws.url)"])
        await lambda.setAWSEndpoint(aws.url)
        var endpoints = Endpoints(
            databases: databases,
            aws: .init(endpoint: aws.url, region: topology.region, accountId: account.accountID),
            credentials: credentials
        )
        endpoints.proxies = proxyEndpoints.isEmpty ? nil : proxyEndpoints
        let clusterRecords = clusterRuns.keys.compactMap { account.dbCluster($0) }
        endpoints.clusters =
            clusterRecords.isEmpty
            ? nil
            : Dictionary(
                uniqueKeysWithValues: clusterRecords.map {
                    (
                        $0.identifier,
                        Endpoints.Cluster(
                            endpoint: $0.endpoint,
                            readerEndpoint: $0.readerEndpoint,
                            port: $0.port,
                            members: $0.members.map(\.instanceIdentifier),
                            writer: $0.writer ?? ""
                        )
                    )
                }
            )
        if let model = network?.model { endpoints.describe(model, hosts: topology.network?.hosts ?? []) }
        await endpoints.describe(lambda, apis: apis, model: network?.model)
        described.withLockedValue { [endpoints] in $0 = endpoints }
        return Sandbox(
            topology: topology,
            endpoints: endpoints,
            stateDirectory: self.stateDirectory,
            account: account,
            aws: aws,
            audit: self.audit,
            network: network,
            lambda: lambda,
            instances: instances,
            proxies: proxies,
            postgres: .init(instances: postgresInstances, proxies: postgresProxies),
            apis: apis,
            clusters: clusters,
            proxyEndpoints: endpointRuntime,
            services: services
        )
    }
}
