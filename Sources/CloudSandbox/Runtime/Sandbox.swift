import Foundation
import Logging
import SandboxAPIGateway
import SandboxAWSCore
@_exported import SandboxAudit
import SandboxClusterFailover
import SandboxFakeAWS
import SandboxLambda
import SandboxMySQLWire
import SandboxRDSProxy
import SandboxScriptedMySQL
import SandboxScriptedPostgres
import SandboxVirtualNetwork

/// A running sandbox: every resource of a topology, listening on the sandbox's own loopback addresses, each server
/// a service of the sandbox's one service group (see `SandboxServices`).
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
    /// The Lambda service: its functions, their logs, configuration changes.
    public let lambda: LambdaService
    let instances: [String: ScriptedMySQLServer]
    let proxies: [String: RDSProxyServer]
    /// The PostgreSQL instances and proxies.
    let postgres: PostgresServers
    let apis: [String: HTTPAPIServer]
    let clusters: ClusterRuntime
    let proxyEndpoints: ProxyEndpointRuntime
    private let services: SandboxServices

    init(
        topology: Topology,
        endpoints: Endpoints,
        stateDirectory: URL,
        account: AccountState,
        aws: AWSEndpoint,
        audit: AuditLog,
        network: VirtualNetwork?,
        lambda: LambdaService,
        instances: [String: ScriptedMySQLServer],
        proxies: [String: RDSProxyServer],
        postgres: PostgresServers,
        apis: [String: HTTPAPIServer],
        clusters: ClusterRuntime,
        proxyEndpoints: ProxyEndpointRuntime,
        services: SandboxServices
    ) {
        self.topology = topology
        self.endpoints = endpoints
        self.stateDirectory = stateDirectory
        self.account = account
        self.aws = aws
        self.audit = audit
        self.network = network
        self.lambda = lambda
        self.instances = instances
        self.proxies = proxies
        self.postgres = postgres
        self.apis = apis
        self.clusters = clusters
        self.proxyEndpoints = proxyEndpoints
        self.services = services
    }

    /// Starts everything; on any failure what was started is stopped again and the error says what to fix.
    /// Relative file paths in the topology are resolved against `baseDirectory`; `handlers` are the Swift
    /// functions that topology functions name in `handler`. Decisions go to `audit` (in memory when absent; the
    /// sandbox closes it at shutdown) besides `logger` (by default `SandboxLogging.defaultLogger()`: warning and
    /// above, or `SANDBOX_LOG_LEVEL`). The proxies' idle-client timeout, health checks and borrow timeout, and
    /// clusters' replication lag, read `clock`: a test passes a `ManualClock` and advances it instead of waiting.
    public static func start(
        _ topology: Topology,
        baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        stateDirectory: URL? = nil,
        handlers: [String: LambdaHandler] = [:],
        logger: Logger? = nil,
        audit: AuditLog? = nil,
        clock: any SandboxClock = SystemClock()
    ) async throws -> Sandbox {
        let audit = try audit ?? AuditLog()
        var logger = logger ?? SandboxLogging.defaultLogger()
        logger.handler = SandboxLogHandler(console: logger.handler, audit: audit)
        let owns = stateDirectory == nil
        let state =
            stateDirectory
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "cloudsandbox-\(UUID().uuidString.prefix(8))"
            )
        let block: LoopbackAddressBlock
        do {
            try topology.validate()
            try topology.validateProcessFunctions(baseDirectory: baseDirectory)
            block = try LoopbackAddressBlock.reserve()
        } catch {
            audit.close()
            throw error
        }
        // From here on, all the sandbox holds is released by its services, in the reverse order of their start.
        let services = SandboxServices(
            resources: HeldResource(name: "addresses, audit log, state directory") {
                block.release()
                audit.close()
                if owns { try? FileManager.default.removeItem(at: state) }
            },
            logger: logger
        )
        await services.run(audit, name: "audit log writer")
        do {
            let assembly = SandboxAssembly(
                topology: topology,
                baseDirectory: baseDirectory,
                stateDirectory: state,
                block: block,
                services: services,
                audit: audit,
                clock: clock,
                logger: logger
            )
            return try await assembly.start(handlers: handlers)
        } catch {
            await services.shutdown()
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
        await SandboxFaults(network: self.network, instances: self.instances, proxies: proxies, clusters: self.clusters)
            .setDown(id, down)
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
        return self.endpoints.databases.values.first { $0.endpoint == name }?.host
            ?? self.endpoints.proxies?.values.first { $0.endpoint == name }?.host
    }

    /// The transactions the last failover of `cluster` lost: committed on the old writer, not yet applied on the
    /// reader it promoted (only with `replicaLagSeconds`; none with a shared volume).
    public func lostTransactions(of cluster: String) -> [CommittedTransaction] {
        self.clusters.lostTransactions(of: cluster)
    }

    /// The current writer of `cluster`.
    public func writer(of cluster: String) -> String? { self.clusters.writer(of: cluster) }

    /// The RDS Proxy `name`, or the listener of its additional endpoint `name` (statistics, audit of logins, target
    /// health).
    public func proxy(_ name: String) -> RDSProxyServer? { self.proxies[name] ?? self.proxyEndpoints.server(name) }

    /// The HTTP API `name` (its URL, its definition).
    public func api(_ name: String) -> HTTPAPIServer? { self.apis[name] }

    /// The scripted server behind database instance `id` (rules, query log, kill, restart).
    public func database(_ id: String) -> ScriptedMySQLServer? { self.instances[id] }

    /// The scripted PostgreSQL server behind `engine: postgres` instance `id` (query log, kill, restart).
    public func postgresDatabase(_ id: String) -> ScriptedPostgresServer? { self.postgres.instances[id] }

    /// The RDS Proxy for PostgreSQL `name` (statistics, audit of logins).
    public func postgresProxy(_ name: String) -> PostgresProxyServer? { self.postgres.proxies[name] }

    /// Stops everything, in the reverse order of the start, and frees the sandbox's addresses.
    public func shutdown() async { await self.services.shutdown() }

    /// What took the sandbox down by itself: a server that failed or stopped while it ran (nil while it runs).
    public var failure: (any Error)? { self.services.failure }

    /// Waits until the sandbox stops by itself — a server failed, taking the rest down — and returns why.
    public func untilStopped() async throws -> (any Error)? { try await self.services.untilStopped() }
}

/// A sandbox's PostgreSQL servers: `engine: postgres` instances and the proxies in front of them.
struct PostgresServers: Sendable {
    var instances: [String: ScriptedPostgresServer] = [:]
    var proxies: [String: PostgresProxyServer] = [:]
}
