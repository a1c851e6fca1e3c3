import SandboxClusterFailover
import SandboxRDSProxy
import SandboxScriptedMySQL
import SandboxVirtualNetwork

/// Taking a listener down and up, as Toxiproxy disables a proxy: the network refuses its connections, open ones
/// reset; a cluster's writer taken down fails over. `Sandbox.setDown` and the Toxiproxy API's `enabled` both use it.
struct SandboxFaults: Sendable {
    let network: VirtualNetwork?
    let instances: [String: ScriptedMySQLServer]
    let proxies: [String: RDSProxyServer]
    let clusters: ClusterRuntime

    func setDown(_ id: String, _ down: Bool) async {
        self.network?.faults.setDown(id, down)
        guard down else { return }
        await self.instances[id]?.killAll()
        await self.proxies[id]?.closeAllClients()
        self.clusters.instanceWentDown(id)
    }
}
