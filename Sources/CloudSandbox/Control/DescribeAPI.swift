import Foundation
import Hummingbird
import SandboxAWSCore
import SandboxFakeAWS
import SandboxVirtualNetwork

/// `GET /sandbox/describe` on the AWS endpoint's port: what `sandbox describe` prints — proxies, their targets with
/// health (also by proxy under `targets`), secrets, roles, security groups, functions and APIs, by name. ARNs and
/// settings only, never a secret value.
struct DescribeAPI: Sendable {
    let topology: Topology
    let endpoints: @Sendable () -> Endpoints
    let account: AccountState

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/describe") { _, _ in Response.json(self.describe()) }
    }

    func describe() -> SandboxDescription {
        let endpoints = self.endpoints()
        var proxies: [String: SandboxDescription.Proxy] = [:]
        for proxy in self.topology.proxies ?? [] {
            let record = self.account.dbProxy(named: proxy.name)
            proxies[proxy.name] = .init(
                endpoint: record?.endpoint ?? "",
                target: proxy.target,
                requireTLS: proxy.requireTLS ?? false,
                idleClientTimeout: proxy.idleClientTimeout ?? 1800,
                role: proxy.role,
                auth: proxy.auth.map {
                    .init(
                        secret: $0.secret,
                        iamAuth: ($0.iamAuth ?? .disabled).rawValue,
                        clientPasswordAuthType: ($0.clientPasswordAuthType ?? .nativePassword).rawValue
                    )
                },
                targets: (record?.targets ?? []).map(TargetStatus.init)
            )
        }
        let secrets = Dictionary(
            (self.topology.secrets ?? []).map { secret in
                (
                    secret.name,
                    SandboxDescription.Secret(
                        arn: self.account.secretARN(named: secret.name) ?? "",
                        kmsKey: secret.kmsKey ?? "aws/secretsmanager"
                    )
                )
            },
            uniquingKeysWith: { first, _ in first }
        )
        let roles = Dictionary(
            (self.topology.iam?.roles ?? []).map { role in
                (
                    role.name,
                    SandboxDescription.Role(
                        arn: self.account.roleARN(role.name),
                        managedPolicies: role.managedPolicies ?? [],
                        inlinePolicies: (role.policies ?? [:]).keys.sorted()
                    )
                )
            },
            uniquingKeysWith: { first, _ in first }
        )
        var groups: [String: SandboxDescription.SecurityGroup] = [:]
        for vpc in self.topology.network?.vpcs ?? [] {
            for group in vpc.securityGroups ?? [] {
                groups[group.id] = .init(
                    vpc: vpc.id,
                    ingress: (group.ingress ?? []).map { Self.rule($0, peer: $0.source, "from") },
                    egress: group.egress.map { $0.map { Self.rule($0, peer: $0.destination, "to") } } ?? [
                        "all to 0.0.0.0/0"
                    ]
                )
            }
        }
        let functions = Dictionary(
            (self.topology.functions ?? []).map { function in
                let found = endpoints.functions?[function.name]
                let placement =
                    found?.eni.map { "\($0.privateIp) in \($0.subnet), \($0.securityGroups.joined(separator: ", "))" }
                    ?? "outside every VPC"
                return (
                    function.name,
                    SandboxDescription.Function(
                        arn: found?.arn ?? "",
                        role: found?.role ?? function.role,
                        kind: found?.kind ?? "",
                        timeout: function.timeout ?? 3,
                        placement: placement,
                        database: function.databaseTarget ?? ""
                    )
                )
            },
            uniquingKeysWith: { first, _ in first }
        )
        let apis = Dictionary(
            (self.topology.apis ?? []).map { api in
                (
                    api.name,
                    SandboxDescription.API(
                        url: endpoints.apis?[api.name]?.url ?? "",
                        routes: api.routes.map { "\($0.route) → \($0.function)" }
                    )
                )
            },
            uniquingKeysWith: { first, _ in first }
        )
        return SandboxDescription(
            proxies: proxies,
            targets: proxies.mapValues(\.targets),
            secrets: secrets,
            roles: roles,
            securityGroups: groups,
            functions: functions,
            apis: apis
        )
    }

    private static func rule(_ rule: NetworkSpec.Rule, peer: String?, _ word: String) -> String {
        let proto = rule.protocol ?? .tcp
        return "\(proto.rawValue)" + (rule.ports.map { "/\($0.text)" } ?? "") + " \(word) \(peer ?? "?")"
    }
}
