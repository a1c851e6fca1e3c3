import Hummingbird
import SandboxAWSCore
import SandboxAudit
import SandboxFakeAWS
import SandboxLambda
import SandboxRDSProxy
import SandboxScriptedMySQL
import SandboxVirtualNetwork

/// The sandbox's own APIs beside AWS's on the endpoint's port: Toxiproxy's (with a network) over every
/// instance and proxy listener, the proxies' status, the clusters' failover, the functions' logs and the description.
struct ControlRoutes: Sendable {
    let toxiproxy: ToxiproxyAPI?
    let status: ProxyStatusAPI
    let clusters: ClusterAPI
    let logs: FunctionLogsAPI
    let describe: DescribeAPI
    let audit: AuditAPI

    init(
        topology: Topology,
        endpoints: @escaping @Sendable () -> Endpoints,
        network: VirtualNetwork?,
        databases: [String: Endpoints.Database],
        proxyEndpoints: [String: Endpoints.Proxy],
        faults: SandboxFaults,
        proxies: [String: RDSProxyServer],
        postgresProxies: [String: PostgresProxyServer] = [:],
        clusters: [String],
        account: AccountState,
        lambda: LambdaService,
        audit: AuditLog
    ) {
        self.audit = AuditAPI(audit: audit)
        self.logs = FunctionLogsAPI(lambda: lambda)
        self.describe = DescribeAPI(topology: topology, endpoints: endpoints, account: account)
        let listeners = databases.mapValues {
            ToxiproxyAPI.Listener(listen: "\($0.host):\($0.port)", upstream: $0.endpoint)
        }
        .merging(proxyEndpoints.mapValues { .init(listen: "\($0.host):\($0.port)", upstream: $0.endpoint) }) {
            first,
            _ in first
        }
        self.toxiproxy = network.map { network in
            ToxiproxyAPI(network: network, listeners: listeners, setDown: faults.setDown)
        }
        self.status = ProxyStatusAPI(proxies: proxies, postgresProxies: postgresProxies, account: account)
        self.clusters = ClusterAPI(clusters: clusters, account: account)
    }

    func install(on router: Router<AWSRequestContext>) {
        self.toxiproxy?.install(on: router)
        self.status.install(on: router)
        self.clusters.install(on: router)
        self.logs.install(on: router)
        self.describe.install(on: router)
        self.audit.install(on: router)
    }
}
