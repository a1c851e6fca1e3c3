import CloudSandbox
import Foundation
import Logging
import SandboxAWSCore
import SandboxLambda
import SandboxVirtualNetwork

/// The checks that read the model and ask the running sandbox's analysis (reachability, IAM evaluation).
extension DiagnosisChecks {
    private var hasNetwork: Bool { self.topology.network != nil }

    private func isProxy(_ name: String) -> Bool { (self.topology.proxies ?? []).contains { $0.name == name } }

    /// The port a proxy or instance serves in its VPC: its engine's (a proxy's is its target's), 3306 or 5432.
    private func servicePort(of name: String) -> Int {
        let target = (self.topology.proxies ?? []).first { $0.name == name }?.target ?? name
        return self.topology.instance(behind: target)?.port ?? 3306
    }

    /// Functions that cannot reach their target, and proxies that cannot reach theirs.
    mutating func checkNetwork() {
        guard self.hasNetwork else { return }
        for path in DatabasePath.all(in: self.topology) {
            let kind = self.isProxy(path.target) ? "proxy" : "instance"
            let subject = "function \(path.function.name) → \(kind) \(path.target)"
            guard path.function.vpc != nil else {
                self.add(
                    "function-outside-vpc",
                    subject,
                    ["\(path.function.name) has no VpcConfig; \(path.target) has only a private address in the VPC"]
                )
                continue
            }
            if kind == "proxy",
                let result = self.sandbox.reach(
                    from: path.function.name,
                    to: path.target,
                    port: self.servicePort(of: path.target)
                ),
                !result.isReachable
            {
                self.add("proxy-missing-function-ingress", subject, result.explanations.map(\.description))
            }
        }
        for proxy in self.topology.proxies ?? [] {
            guard let instance = self.topology.instance(behind: proxy.target),
                let result = self.sandbox.reach(from: proxy.name, to: instance.id, port: instance.port),
                !result.isReachable
            else { continue }
            let subject = "proxy \(proxy.name) → instance \(instance.id)"
            let evidence = result.explanations.map(\.description)
            let proxyVPC = self.topology.vpc(ofSubnet: proxy.subnets?.first)
            let instanceVPC = self.topology.vpc(ofSubnet: instance.subnet)
            if proxyVPC != instanceVPC {
                self.add(
                    "proxy-and-database-in-different-vpcs",
                    subject,
                    ["\(proxy.name) is in \(proxyVPC ?? "no VPC"), \(instance.id) in \(instanceVPC ?? "no VPC")"]
                        + evidence
                )
            } else if let shared = Set(proxy.securityGroups ?? []).intersection(instance.securityGroups ?? []).sorted()
                .first,
                !(self.topology.securityGroup(shared)?.ingress ?? []).contains(where: { $0.source == shared })
            {
                self.add(
                    "shared-group-without-self-rule",
                    subject,
                    ["\(proxy.name) and \(instance.id) are both in \(shared), which has no inbound rule from itself"]
                        + evidence
                )
            } else {
                self.add("database-admits-function-not-proxy", subject, evidence)
            }
        }
    }

    /// Functions that read a secret themselves must reach Secrets Manager: an interface endpoint whose group admits
    /// them, or a NAT gateway.
    mutating func checkAWSAccess() {
        guard let model = self.sandbox.network?.model else { return }
        for path in DatabasePath.all(in: self.topology) where path.auth != .iam && path.function.vpc != nil {
            let name = ServiceAccess.endpointName("secretsmanager", region: self.topology.region)
            guard let eni = model.eni(owner: path.function.name),
                case let .blocked(why) = model.access(from: eni, toService: "secretsmanager", name: name)
            else { continue }
            let id =
                why.contains { $0.code == "VPC_ENDPOINT" }
                ? "endpoint-group-without-function-ingress" : "private-subnet-without-route-to-secrets-manager"
            self.add(id, "function \(path.function.name) → \(name):443", why.map(\.description))
        }
    }

    /// IAM logins: rds-db:connect for the function's role on the proxy's resource, and TLS.
    mutating func checkIAM() {
        for path in DatabasePath.all(in: self.topology) where path.auth == .iam && self.isProxy(path.target) {
            let subject = "function \(path.function.name) → proxy \(path.target)"
            if !path.tls {
                self.add(
                    "iam-without-tls",
                    subject,
                    ["\(path.function.name) logs in with an IAM token without TLS (DB_TLS or tls: false)"]
                )
            }
            let role = path.function.role.split(separator: "/").last.map(String.init) ?? path.function.role
            guard let user = path.user, let key = self.sandbox.endpoints.credentials?[role]?.accessKeyId,
                let resourceID = self.sandbox.endpoints.proxies?[path.target]?.resourceId
            else { continue }
            let resource =
                "arn:aws:rds-db:\(self.topology.region):\(self.sandbox.account.accountID):dbuser:\(resourceID)/\(user)"
            guard
                let (principal, result) = try? self.sandbox.account.evaluateDBConnect(
                    accessKeyID: key,
                    resource: resource,
                    sourceIP: nil,
                    logger: Logger(label: "diagnose")
                ), !result.isAllowed
            else { continue }
            self.classifyConnectDenial(
                role: role,
                user: user,
                subject: subject,
                evidence: ["\(principal) is not allowed rds-db:connect on \(resource): \(result)"]
            )
        }
    }

    /// IAM database authentication straight to PostgreSQL instances: a role may rds-db:connect as a user who is not
    /// in rds_iam, so its tokens are taken as a wrong password.
    mutating func checkInstanceIAM() {
        for instance in self.topology.databases
        where instance.resolvedEngine == .postgres && instance.iamDatabaseAuthentication == true {
            guard let resourceID = self.sandbox.account.dbInstance(instance.id)?.resourceID else { continue }
            for user in instance.users where user.roles?.contains("rds_iam") != true {
                let resource =
                    "arn:aws:rds-db:\(self.topology.region):\(self.sandbox.account.accountID):dbuser:\(resourceID)/"
                    + "\(user.name)"
                let allowed = (self.sandbox.endpoints.credentials ?? [:]).sorted { $0.key < $1.key }.compactMap {
                    role,
                    credentials -> String? in
                    guard
                        let (principal, result) = try? self.sandbox.account.evaluateDBConnect(
                            accessKeyID: credentials.accessKeyId,
                            resource: resource,
                            sourceIP: nil,
                            logger: Logger(label: "diagnose")
                        ), result.isAllowed
                    else { return nil }
                    return principal
                }
                guard let principal = allowed.first else { continue }
                self.add(
                    "postgres-iam-user-without-rds-iam",
                    "instance \(instance.id) user \(user.name)",
                    [
                        "IAM database authentication is enabled on \(instance.id) and \(principal) may "
                            + "rds-db:connect as \(user.name)",
                        "\(user.name) is not a member of rds_iam: the instance takes its IAM tokens as a wrong "
                            + "password (GRANT rds_iam TO \(user.name))",
                    ]
                )
            }
        }
    }

    /// Which catalog condition keeps `role` from rds-db:connect as `user`: its statements name an instance's or
    /// cluster's resource id, another user, or no connect at all.
    mutating func classifyConnectDenial(role: String, user: String, subject: String, evidence: [String]) {
        let resources = self.topology.statements(ofRole: role)
            .filter {
                $0["Effect"]?.stringValue == "Allow"
                    && strings($0["Action"]).contains { ["rds-db:connect", "rds-db:*", "*"].contains($0) }
            }
            .flatMap { strings($0["Resource"]) }
        if resources.contains(where: { $0.contains(":dbuser:db-") || $0.contains(":dbuser:cluster-") }) {
            self.add(
                "connect-names-instance-resource",
                subject,
                evidence + ["the role's rds-db:connect names \(resources.joined(separator: ", "))"]
            )
        } else if let other = resources.first(where: { resource in
            let last = resource.split(separator: "/").last.map(String.init) ?? ""
            return last != user && last != "*" && resource.contains(":dbuser:")
        }) {
            self.add(
                "connect-names-other-user",
                subject,
                evidence + ["the role's rds-db:connect names \(other), not user \(user)"]
            )
        } else {
            self.add("function-role-without-connect", subject, evidence)
        }
    }

    /// Password logins through a proxy, CA bundles, and direct connections against max_connections.
    mutating func checkLogins() {
        for path in DatabasePath.all(in: self.topology) {
            let kind = self.isProxy(path.target) ? "proxy" : "instance"
            let subject = "function \(path.function.name) → \(kind) \(path.target)"
            if let proxy = self.topology.proxies?.first(where: { $0.name == path.target }) {
                if path.function.environment?["DB_CA_BUNDLE"] == "${rds-ca-bundle}" {
                    self.add(
                        "instance-ca-bundle-for-proxy",
                        subject,
                        ["\(path.function.name)'s DB_CA_BUNDLE is the RDS instance bundle, its DB_HOST a proxy"]
                    )
                }
                if let file = EmbeddedAmazonRoot.files(
                    in: path.function.codeFolder(relativeTo: self.baseDirectory)?.path,
                    environment: path.function.environment ?? [:],
                    shipped: false
                ).first {
                    self.add(
                        "embedded-amazon-root",
                        subject,
                        [EmbeddedAmazonRoot.explanation(function: path.function.name, file: file)]
                    )
                }
                guard case let .secret(secret) = path.auth, let user = self.topology.username(inSecret: secret) else {
                    continue
                }
                let entries = proxy.auth.filter { self.topology.username(inSecret: $0.secret) == user }
                if entries.isEmpty {
                    self.add(
                        "password-user-without-secret",
                        subject,
                        [
                            "\(path.function.name) logs in as \(user); no auth entry of \(proxy.name) has a secret "
                                + "for \(user)"
                        ]
                    )
                } else if entries.allSatisfy({ $0.iamAuth == .required }) {
                    self.add(
                        "password-where-iam-required",
                        subject,
                        [
                            "\(path.function.name) sends \(user)'s password; \(proxy.name)'s entry for \(user) has "
                                + "IAMAuth REQUIRED"
                        ]
                    )
                }
            } else if let instance = self.topology.instance(behind: path.target) {
                let limit = instance.maxConnections ?? 151
                if (path.function.reservedConcurrency ?? 1_000) > limit {
                    self.add(
                        "concurrency-exhausts-max-connections",
                        subject,
                        [
                            "\(path.function.name) connects to \(instance.id) directly with up to "
                                + (path.function.reservedConcurrency.map(String.init) ?? "1000 (the account's default)")
                                + " concurrent executions; max_connections is \(limit)"
                        ]
                    )
                }
            }
        }
    }

    /// Routes whose integration timeout is shorter than their function's timeout.
    mutating func checkAPIs() {
        for api in self.topology.apis ?? [] {
            for route in api.routes {
                guard let function = self.topology.functions?.first(where: { $0.name == route.function }) else {
                    continue
                }
                let integration = route.timeoutInMillis ?? 30_000
                let worst = Int((function.timeout ?? 3) * 1000)
                if integration < worst {
                    self.add(
                        "api-timeout-shorter-than-function",
                        "api \(api.name) route \(route.route) → function \(function.name)",
                        ["the integration times out after \(integration) ms; \(function.name) may run \(worst) ms"]
                    )
                }
            }
        }
    }
}
