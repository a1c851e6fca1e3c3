import FakeAWS
import Foundation
import Hummingbird
import NIOCore
import RDSProxy

/// `GET /sandbox/proxies` on the AWS endpoint's port: each proxy's connections, target health and latest login
/// decisions with their reasons (what `sandbox proxy` prints). Never a token or password: reasons only.
struct ProxyStatusAPI: Sendable {
    let proxies: [String: RDSProxyServer]
    let account: AccountState

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/proxies") { _, _ in
            var status: [String: Any] = [:]
            for (name, proxy) in self.proxies {
                let statistics = await proxy.statistics()
                let targets = self.account.dbProxy(named: name)?.targets ?? []
                status[name] = [
                    "endpoint": proxy.configuration.record.endpoint,
                    "clientConnections": statistics.clientConnections, "databaseConnections": statistics.databaseConnections,
                    "idleDatabaseConnections": statistics.idleDatabaseConnections, "pinnedClients": statistics.pinnedClients,
                    "borrowWaits": statistics.borrowWaits, "borrowTimeouts": statistics.borrowTimeouts,
                    "targets": targets.map(\.json),
                    "logins": proxy.audit.all.suffix(50).map { ["user": $0.user, "outcome": $0.outcome, "reason": $0.reason] },
                ] as [String: Any]
            }
            return Response.json(status, pretty: true)
        }
    }
}
