import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore
import SandboxRDSProxy
import ServiceLifecycle

/// The proxies' additional endpoints on the data plane: the topology's, started with their proxies, and those that
/// CreateDBProxyEndpoint adds while the sandbox runs. As a `Service` of the sandbox, it starts a listener (a service
/// of the sandbox's own) for each endpoint created and stops the listener of each one deleted; a renamed endpoint is
/// both.
final class ProxyEndpointRuntime: Service {
    private struct State {
        var servers: [String: RDSProxyServer]
        /// Endpoint addresses handed out so far (the topology's first).
        var placed: Int
    }

    private let context: ProxyFactory.Context
    private let proxies: [String: RDSProxyServer]
    private let state: NIOLockedValueBox<State>
    private let changes: AsyncStream<DBProxyEndpointChange>
    private let change: AsyncStream<DBProxyEndpointChange>.Continuation

    init(context: ProxyFactory.Context, proxies: [String: RDSProxyServer], started: [String: RDSProxyServer]) {
        self.context = context
        self.proxies = proxies
        self.state = NIOLockedValueBox(State(servers: started, placed: context.topology.placedProxyEndpoints.count))
        (self.changes, self.change) = AsyncStream.makeStream()
    }

    /// The listener of endpoint `name`.
    func server(_ name: String) -> RDSProxyServer? { self.state.withLockedValue { $0.servers[name] } }

    var servers: [String: RDSProxyServer] { self.state.withLockedValue { $0.servers } }

    /// The loopback address an endpoint's DNS name resolves to (nil: no endpoint listens on that name).
    func address(of name: String) -> String? {
        self.servers.values.first { $0.configuration.endpointName == name }?.configuration.host
    }

    /// What the account's runner calls: the change is carried out by `run()`, in order.
    func enqueue(_ change: DBProxyEndpointChange) { self.change.yield(change) }

    /// Carries out endpoint changes, in order, until graceful shutdown or cancellation (the listeners stop with the
    /// sandbox).
    func run() async throws {
        let changes = self.changes
        await cancelWhenGracefulShutdown {
            for await change in changes {
                switch change {
                case let .created(record): await self.start(record)
                case let .deleted(record): await self.remove(record.name)
                }
            }
        }
        self.context.account.setProxyEndpointRunner(nil)
    }

    private func start(_ record: DBProxyEndpointRecord) async {
        guard let proxy = self.proxies[record.proxyName] else { return }
        let index = self.state.withLockedValue { state in
            defer { state.placed += 1 }
            return state.placed
        }
        do {
            let host = try self.context.block.address(try NetworkPlan.proxyEndpointHost(self.context.topology, index))
            if let network = self.context.network {
                _ = try network.attach(
                    owner: record.name,
                    subnet: record.subnetIDs[0],
                    securityGroups: record.securityGroupIDs,
                    loopback: host,
                    path: "CreateDBProxyEndpoint \(record.name)"
                )
            }
            let (server, _) = try await ProxyEndpointFactory.start(
                record,
                of: proxy,
                host: host,
                context: self.context,
                endsAlone: true
            )
            self.state.withLockedValue { $0.servers[record.name] = server }
        } catch {
            // The endpoint cannot listen (a subnet or group the network does not have, no address left): it goes.
            self.context.logger.warning(
                "proxy endpoint not started",
                metadata: ["rdsproxy.endpoint": "\(record.name)", "error": "\(error)"]
            )
            self.context.network?.detach(owner: record.name)
            self.context.account.setProxyEndpointStatus(record.name, .incompatibleNetwork)
        }
    }

    private func remove(_ name: String) async {
        guard let server = self.state.withLockedValue({ $0.servers.removeValue(forKey: name) }) else { return }
        self.context.clusters.detach(server)
        await server.stop()
        self.context.network?.detach(owner: name)
    }
}
