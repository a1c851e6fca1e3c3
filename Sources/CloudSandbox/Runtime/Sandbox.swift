import APIGateway
import FakeAWS
import Foundation
import Lambda
import Logging
import MySQLWire
import NIOConcurrencyHelpers
import RDSProxy
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
    /// The virtual VPC, enforcing its security groups and ACLs on every instance's listener (nil without one).
    public let network: VirtualNetwork?
    private let block: LoopbackAddressBlock
    private let instances: [String: ScriptedMySQLServer]
    private let proxies: [String: RDSProxyServer]
    /// The Lambda service: its functions, their logs, configuration changes.
    public let lambda: LambdaService
    private let apis: [String: HTTPAPIServer]
    private let blackHole: BlackHole?
    private let ownsStateDirectory: Bool

    private init(topology: Topology, endpoints: Endpoints, stateDirectory: URL, ownsStateDirectory: Bool, account: AccountState,
                 aws: AWSEndpoint, network: VirtualNetwork?, block: LoopbackAddressBlock, instances: [String: ScriptedMySQLServer],
                 proxies: [String: RDSProxyServer], lambda: LambdaService, apis: [String: HTTPAPIServer], blackHole: BlackHole?) {
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
    /// functions that topology functions name in `handler`.
    public static func start(_ topology: Topology, baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                             stateDirectory: URL? = nil, handlers: [String: LambdaHandler] = [:],
                             logger: Logger = Logger(label: "cloudsandbox")) async throws -> Sandbox {
        try topology.validate()
        let owns = stateDirectory == nil
        let state = stateDirectory ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cloudsandbox-\(UUID().uuidString.prefix(8))")
        let block = try LoopbackAddressBlock.reserve()
        let certificates = try SandboxCertificates(region: topology.region, directory: state.appendingPathComponent("certs"))
        let account = AccountState(accountID: topology.accountId ?? "123456789012", region: topology.region)
        var started: [String: ScriptedMySQLServer] = [:]
        var proxies: [String: RDSProxyServer] = [:]
        var aws: AWSEndpoint?
        var lambda: LambdaService?
        var blackHole: BlackHole?
        var apis: [String: HTTPAPIServer] = [:]
        do {
            let network = try NetworkPlan.model(for: topology, loopback: { try? block.address($0) })
                .map { VirtualNetwork(model: $0, logger: logger) }
            var databases: [String: Endpoints.Database] = [:]
            for (index, spec) in topology.databases.enumerated() {
                if let external = spec.external {
                    databases[spec.id] = DatabaseInstanceFactory.register(external: external, spec, account: account)
                    continue
                }
                let (server, database) = try await DatabaseInstanceFactory.start(
                    spec, index: index, host: try block.address(try NetworkPlan.hostNumber(index)), network: network, account: account,
                    certificates: certificates, baseDirectory: baseDirectory, logger: logger)
                started[spec.id] = server
                databases[spec.id] = database
            }
            let credentials = try AccountProvisioner.provision(topology, into: account, databases: databases)
            var proxyEndpoints: [String: Endpoints.Proxy] = [:]
            let context = ProxyFactory.Context(topology: topology, account: account, network: network, certificates: certificates,
                                               databases: databases, logger: logger)
            let before = topology.databases.count + (topology.network?.hosts ?? []).count
            for (index, spec) in (topology.proxies ?? []).enumerated() {
                let host = try network?.model.eni(owner: spec.name)?.loopback ?? block.address(try NetworkPlan.hostNumber(before + index))
                let (server, endpoint) = try await ProxyFactory.start(spec, index: index, host: host, context: context)
                proxies[spec.name] = server
                proxyEndpoints[spec.name] = endpoint
            }
            let (functions, hole) = try await FunctionFactory.start(
                .init(shared: context, proxies: proxyEndpoints, block: block, baseDirectory: baseDirectory), handlers: handlers)
            lambda = functions
            blackHole = hole
            apis = try await APIFactory.start(topology, lambda: functions, block: block, account: account, logger: logger)
            let routes = ControlRoutes(network: network, databases: databases, proxyEndpoints: proxyEndpoints, instances: started,
                                       proxies: proxies, account: account, lambda: functions)
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
            if let model = network?.model { endpoints.describe(model, hosts: topology.network?.hosts ?? []) }
            await endpoints.describe(functions, apis: apis, model: network?.model)
            return Sandbox(topology: topology, endpoints: endpoints, stateDirectory: state, ownsStateDirectory: owns, account: account,
                           aws: endpoint, network: network, block: block, instances: started, proxies: proxies, lambda: functions, apis: apis, blackHole: hole)
        } catch {
            await lambda?.shutdown()
            for api in apis.values { await api.stop() }
            blackHole?.close()
            for proxy in proxies.values { await proxy.shutdown() }
            for server in started.values { await server.shutdown() }
            await aws?.stop()
            block.release()
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
    public func setDown(_ id: String, _ down: Bool) async {
        self.network?.faults.setDown(id, down)
        guard down else { return }
        await self.instances[id]?.killAll()
        await self.proxies[id]?.closeAllClients()
    }

    /// The RDS Proxy `name` (statistics, audit of logins, target health).
    public func proxy(_ name: String) -> RDSProxyServer? { self.proxies[name] }

    /// The HTTP API `name` (its URL, its definition).
    public func api(_ name: String) -> HTTPAPIServer? { self.apis[name] }

    /// The scripted server behind database instance `id` (rules, query log, kill, restart).
    public func database(_ id: String) -> ScriptedMySQLServer? { self.instances[id] }

    /// Stops everything and frees the sandbox's addresses.
    public func shutdown() async {
        await self.lambda.shutdown()
        for api in self.apis.values { await api.stop() }
        self.blackHole?.close()
        for proxy in self.proxies.values { await proxy.shutdown() }
        await self.aws.stop()
        for server in self.instances.values { await server.shutdown() }
        self.block.release()
        if self.ownsStateDirectory { try? FileManager.default.removeItem(at: self.stateDirectory) }
    }
}
