import APIGateway
import FakeAWS
import Foundation
import Lambda
import Logging
import MySQLWire
import NIOConcurrencyHelpers
import NIOPosix
import RDSProxy
@_exported import SandboxAudit
import ScriptedMySQL
import VirtualNetwork

/// A running sandbox: every resource of a topology, listening on the sandbox's own loopback addresses.
public final class Sandbox: Sendable {
    public let topology: Topology
    public let endpoints: Endpoints
    /// Where certificates and (by default) the endpoints file live.
    public let stateDirectory: URL
    /// The AWS account: IAM, STS, KMS, Secrets Manager and RDS state.
    public let account: AccountState
    /// The AWS endpoint serving `account`.
    public let aws: AWSEndpoint
    /// Every decision the sandbox made (connections, logins, IAM evaluations, API calls, invocations, requests).
    public let audit: AuditLog
    /// The virtual VPC, enforcing its security groups and ACLs on every instance's listener (nil without one).
    public let network: VirtualNetwork?
    private let block: LoopbackAddressBlock
    private let instances: [String: ScriptedMySQLServer]
    private let proxies: [String: RDSProxyServer]
    /// The Lambda service: its functions, their logs, configuration changes.
    public let lambda: LambdaService
    private let apis: [String: HTTPAPIServer]
    private let blackHole: BlackHole?
    private let clusters: ClusterRuntime
    private let proxyEndpoints: ProxyEndpointRuntime
    /// Where the instances' blocking SQLite work runs, for the sandbox's lifetime.
    private let threadPool: NIOThreadPool
    /// Runs the clusters' failovers and the proxy endpoints' changes; `shutdown()` cancels and awaits it.
    private let runtimeTask: Task<Void, Never>
    private let ownsStateDirectory: Bool

    private init(topology: Topology, endpoints: Endpoints, stateDirectory: URL, ownsStateDirectory: Bool, account: AccountState,
                 aws: AWSEndpoint, network: VirtualNetwork?, block: LoopbackAddressBlock, instances: [String: ScriptedMySQLServer],
                 proxies: [String: RDSProxyServer], lambda: LambdaService, apis: [String: HTTPAPIServer], blackHole: BlackHole?,
                 clusters: ClusterRuntime, proxyEndpoints: ProxyEndpointRuntime, threadPool: NIOThreadPool, audit: AuditLog) {
        self.threadPool = threadPool
        self.audit = audit
        self.clusters = clusters
        self.proxyEndpoints = proxyEndpoints
        self.runtimeTask = Task {
            async let endpoints: Void = proxyEndpoints.run()
            await clusters.run()
            await endpoints
        }
        self.lambda = lambda
        self.blackHole = blackHole
        self.apis = apis
        self.network = network
        self.proxies = proxies
        self.topology = topology
        self.endpoints = endpoints
        self.stateDirectory = stateDirectory
        self.ownsStateDirectory = ownsStateDirectory
        self.account = account
        self.aws = aws
        self.block = block
        self.instances = instances
    }

    /// Starts everything; on any failure what was started is stopped again and the error says what to fix.
    /// Relative file paths in the topology are resolved against `baseDirectory`; `handlers` are the Swift
    /// functions that topology functions name in `handler`. Decisions go to `audit` (in memory when absent; the
    /// sandbox closes it at shutdown) besides `logger` (by default `SandboxLogging.defaultLogger()`: warning and
    /// above, or `SANDBOX_LOG_LEVEL`).
    public static func start(_ topology: Topology, baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                             stateDirectory: URL? = nil, handlers: [String: LambdaHandler] = [:],
                             logger: Logger? = nil, audit: AuditLog? = nil) async throws -> Sandbox {
        let audit = try audit ?? AuditLog()
        var logger = logger ?? SandboxLogging.defaultLogger()
        logger.handler = MultiplexLogHandler([logger.handler, AuditLogHandler(audit)])
        let owns = stateDirectory == nil
        let state = stateDirectory ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cloudsandbox-\(UUID().uuidString.prefix(8))")
        var reserved: LoopbackAddressBlock?
        let (block, certificates): (LoopbackAddressBlock, SandboxCertificates)
        do {
            try topology.validate()
            try topology.validateProcessFunctions(baseDirectory: baseDirectory)
            reserved = try LoopbackAddressBlock.reserve()
            (block, certificates) = (reserved!, try SandboxCertificates(region: topology.region, directory: state.appendingPathComponent("certs")))
        } catch {
            reserved?.release()
            audit.close()
            throw error
        }
        let account = AccountState(accountID: topology.accountId ?? "123456789012", region: topology.region)
        var started: [String: ScriptedMySQLServer] = [:]
        var proxies: [String: RDSProxyServer] = [:]
        var endpointServers: [String: RDSProxyServer] = [:]
        var aws: AWSEndpoint?
        var lambda: LambdaService?
        var blackHole: BlackHole?
        var apis: [String: HTTPAPIServer] = [:]
        var volumes: [StorageVolume] = []
        // The instances' blocking SQLite work (lock waits, SLEEP()) runs on the sandbox's own threads, stopped with it.
        let threadPool = ScriptedMySQLServer.startedPool()
        do {
            let network = try NetworkPlan.model(for: topology, loopback: { try? block.address($0) })
                .map { VirtualNetwork(model: $0, logger: logger) }
            var databases: [String: Endpoints.Database] = [:]
            var hosts: [String: String] = [:]
            for (index, (_, spec)) in topology.placedInstances.enumerated() { hosts[spec.id] = try block.address(try NetworkPlan.hostNumber(index)) }
            for (index, spec) in topology.databases.enumerated() {
                if let external = spec.external {
                    databases[spec.id] = DatabaseInstanceFactory.register(external: external, spec, account: account)
                    continue
                }
                let (server, database) = try await DatabaseInstanceFactory.start(
                    spec, path: "databases[\(index)]", host: hosts[spec.id]!, network: network, account: account,
                    certificates: certificates, baseDirectory: baseDirectory, threadPool: threadPool, logger: logger)
                started[spec.id] = server
                databases[spec.id] = database
            }
            var clusterRuns: [String: ClusterRuntime.Cluster] = [:]
            for (index, spec) in (topology.clusters ?? []).enumerated() {
                let cluster = try await ClusterFactory.start(
                    of: spec, at: "clusters[\(index)]", volumes: &volumes, hosts: hosts, network: network, account: account,
                    certificates: certificates, baseDirectory: baseDirectory, threadPool: threadPool, logger: logger, started: &started)
                clusterRuns[spec.id] = cluster
                databases.merge(cluster.databases) { first, _ in first }
            }
            let clusters = ClusterRuntime(clusters: clusterRuns, account: account, hostsFile: state.appendingPathComponent("cluster-hosts"), logger: logger)
            account.setClusterFailoverRunner { clusters.failoverBegun(cluster: $0, target: $1) }
            let credentials = try AccountProvisioner.provision(topology, into: account, databases: databases)
            var proxyEndpoints: [String: Endpoints.Proxy] = [:]
            let context = ProxyFactory.Context(topology: topology, account: account, network: network, certificates: certificates,
                                               databases: databases, clusters: clusters, block: block, logger: logger)
            let before = topology.instances.count + (topology.network?.hosts ?? []).count
            for (index, spec) in (topology.proxies ?? []).enumerated() {
                let host = try network?.model.eni(owner: spec.name)?.loopback ?? block.address(try NetworkPlan.hostNumber(before + index))
                let (server, endpoint) = try await ProxyFactory.start(spec, index: index, host: host, context: context, endpointServers: &endpointServers)
                proxies[spec.name] = server
                proxyEndpoints[spec.name] = endpoint
            }
            let endpointRuntime = ProxyEndpointRuntime(context: context, proxies: proxies, started: endpointServers)
            account.setProxyEndpointRunner { endpointRuntime.enqueue($0) }
            let (functions, hole) = try await FunctionFactory.start(
                .init(shared: context, proxies: proxyEndpoints, baseDirectory: baseDirectory), handlers: handlers)
            lambda = functions
            blackHole = hole
            apis = try await APIFactory.start(topology, lambda: functions, block: block, account: account, logger: logger)
            let faults = SandboxFaults(network: network, instances: started, proxies: proxies, clusters: clusters)
            // The description route reads the endpoints, known once the AWS endpoint it is served on listens.
            let described = NIOLockedValueBox(Endpoints())
            let routes = ControlRoutes(topology: topology, endpoints: { described.withLockedValue { $0 } }, network: network, databases: databases,
                                       proxyEndpoints: proxyEndpoints, faults: faults, proxies: proxies, clusters: Array(clusterRuns.keys),
                                       account: account, lambda: functions, audit: audit)
            let endpoint = try await AWSEndpoint.start(
                account: account, host: try block.address(2), logger: logger,
                restServices: ["lambda": LambdaAPI(service: functions),
                               "apigateway": APIGatewayV2API(apis: APIFactory.published(apis), region: account.region, accountID: account.accountID)],
                routes: routes.install)
            aws = endpoint
            await functions.setAWSEndpoint(endpoint.url)
            var endpoints = Endpoints(databases: databases, aws: .init(endpoint: endpoint.url, region: topology.region, accountId: account.accountID),
                                      credentials: credentials)
            endpoints.proxies = proxyEndpoints.isEmpty ? nil : proxyEndpoints
            let clusterRecords = clusterRuns.keys.compactMap { account.dbCluster($0) }
            endpoints.clusters = clusterRecords.isEmpty ? nil : Dictionary(uniqueKeysWithValues: clusterRecords.map {
                ($0.identifier, Endpoints.Cluster(endpoint: $0.endpoint, readerEndpoint: $0.readerEndpoint, port: $0.port,
                                                  members: $0.members.map(\.instanceIdentifier), writer: $0.writer ?? ""))
            })
            if let model = network?.model { endpoints.describe(model, hosts: topology.network?.hosts ?? []) }
            await endpoints.describe(functions, apis: apis, model: network?.model)
            described.withLockedValue { [endpoints] in $0 = endpoints }
            return Sandbox(topology: topology, endpoints: endpoints, stateDirectory: state, ownsStateDirectory: owns, account: account,
                           aws: endpoint, network: network, block: block, instances: started, proxies: proxies, lambda: functions, apis: apis,
                           blackHole: hole, clusters: clusters, proxyEndpoints: endpointRuntime, threadPool: threadPool, audit: audit)
        } catch {
            account.setProxyEndpointRunner(nil)
            await lambda?.shutdown()
            for api in apis.values { await api.stop() }
            blackHole?.close()
            for proxy in proxies.values { await proxy.shutdown() }
            for endpoint in endpointServers.values { await endpoint.shutdown() }
            for server in started.values { await server.shutdown() }
            for volume in volumes { volume.remove() }
            try? await threadPool.shutdownGracefully()
            await aws?.stop()
            block.release()
            audit.close()
            throw error
        }
    }

    /// The reachability analysis of the sandbox's network from `source` (a database, a host, or `operator`)
    /// to the interface of `destination` on TCP `port`; nil when either is unknown or there is no network.
    public func reach(from source: String, to destination: String, port: Int) -> Reachability? {
        self.network.flatMap { NetworkPlan.analyze($0.model, from: source, to: destination, port: port) }
    }

    /// Takes instance or proxy `id` down as Toxiproxy disables a proxy (open connections reset, new ones refused)
    /// or up again.
    /// A cluster's writer taken down fails over after the cluster's detection time.
    public func setDown(_ id: String, _ down: Bool) async {
        let proxies = self.proxies.merging(self.proxyEndpoints.servers) { own, _ in own }
        await SandboxFaults(network: self.network, instances: self.instances, proxies: proxies, clusters: self.clusters).setDown(id, down)
    }

    /// FailoverDBCluster: promotes `target` (else the first reader) as the API does; the failover then runs on
    /// its own (see `ClusterRuntime`), and DescribeDBClusters shows `failing-over` until it is over.
    public func failover(cluster: String, to target: String? = nil) throws(AWSError) {
        try self.account.beginClusterFailover(cluster, target: target)
    }

    /// What an in-sandbox client's DNS lookup of `name` answers: the loopback address of an instance, proxy or
    /// cluster endpoint (which follows the writer once its TTL has passed after a failover); nil for other names.
    public func resolve(_ name: String) -> String? {
        if let address = self.clusters.resolve(name) ?? self.proxyEndpoints.address(of: name) { return address }
        return self.endpoints.databases.values.first { $0.endpoint == name }?.host ?? self.endpoints.proxies?.values.first { $0.endpoint == name }?.host
    }

    /// The transactions the last failover of `cluster` lost: committed on the old writer, not yet applied on the
    /// reader it promoted (only with `replicaLagSeconds`; none with a shared volume).
    public func lostTransactions(of cluster: String) -> [CommittedTransaction] { self.clusters.lostTransactions(of: cluster) }

    /// The current writer of `cluster`.
    public func writer(of cluster: String) -> String? { self.clusters.writer(of: cluster) }

    /// The RDS Proxy `name`, or the listener of its additional endpoint `name` (statistics, audit of logins, target health).
    public func proxy(_ name: String) -> RDSProxyServer? { self.proxies[name] ?? self.proxyEndpoints.server(name) }

    /// The HTTP API `name` (its URL, its definition).
    public func api(_ name: String) -> HTTPAPIServer? { self.apis[name] }

    /// The scripted server behind database instance `id` (rules, query log, kill, restart).
    public func database(_ id: String) -> ScriptedMySQLServer? { self.instances[id] }

    /// Stops everything and frees the sandbox's addresses.
    public func shutdown() async {
        self.account.setClusterFailoverRunner(nil)
        self.account.setProxyEndpointRunner(nil)
        self.proxyEndpoints.stop()
        self.clusters.stop()
        self.runtimeTask.cancel()
        await self.runtimeTask.value
        await self.lambda.shutdown()
        for api in self.apis.values { await api.stop() }
        self.blackHole?.close()
        for proxy in self.proxies.values { await proxy.shutdown() }
        await self.aws.stop()
        for server in self.instances.values { await server.shutdown() }
        for cluster in self.clusters.clusters.values { for member in cluster.members.values { member.volume.remove() } }
        try? await self.threadPool.shutdownGracefully()
        self.block.release()
        self.audit.close()
        if self.ownsStateDirectory { try? FileManager.default.removeItem(at: self.stateDirectory) }
    }
}
