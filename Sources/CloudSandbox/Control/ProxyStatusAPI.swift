import Foundation
import Hummingbird
import NIOCore
import SandboxAWSCore
import SandboxFakeAWS
import SandboxRDSProxy

/// `GET /sandbox/proxies` on the AWS endpoint's port: each proxy's connections, target health and latest login
/// decisions with their reasons (what `sandbox proxy` prints). Never a token or password: reasons only.
struct ProxyStatusAPI: Sendable {
    let proxies: [String: RDSProxyServer]
    let postgresProxies: [String: PostgresProxyServer]
    let account: AccountState

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/proxies") { _, _ in
            var status: [String: ProxyStatus] = [:]
            for (name, proxy) in self.proxies {
                status[name] = self.status(
                    name,
                    endpoint: proxy.configuration.record.endpoint,
                    statistics: await proxy.statistics(),
                    audit: proxy.audit
                )
            }
            for (name, proxy) in self.postgresProxies {
                status[name] = self.status(
                    name,
                    endpoint: proxy.configuration.record.endpoint,
                    statistics: proxy.statistics(),
                    audit: proxy.audit
                )
            }
            return Response.json(status)
        }
    }

    private func status(
        _ name: String,
        endpoint: String,
        statistics: RDSProxyServer.Statistics,
        audit: ProxyAudit
    ) -> ProxyStatus {
        ProxyStatus(
            endpoint: endpoint,
            statistics: statistics,
            targets: (self.account.dbProxy(named: name)?.targets ?? []).map(TargetStatus.init),
            logins: audit.all.suffix(50).map { .init(user: $0.user, outcome: $0.outcome, reason: $0.reason) }
        )
    }
}
