import Foundation
import SandboxAWSCore
import SandboxIAMPolicy

extension Topology {
    /// Checks the account, IAM, KMS and secrets: names, references and policy documents (with AWS's
    /// MalformedPolicyDocument wording).
    func validateAWS() throws(TopologyError) {
        if let account = self.accountId, account.range(of: #"^\d{12}$"#, options: .regularExpression) == nil {
            throw TopologyError(
                path: "accountId",
                "'\(account)' is not an account id: use 12 digits, quoted so YAML keeps it a string"
            )
        }
        guard self.region.range(of: #"^[a-z]{2}(-[a-z]+)+-\d$"#, options: .regularExpression) != nil else {
            throw TopologyError(path: "region", "'\(self.region)' is not a region name like us-east-1")
        }
        let iam = self.iam ?? IAM()
        var policyNames: Set<String> = []
        for (index, policy) in (iam.policies ?? []).enumerated() {
            let path = "iam.policies[\(index)]"
            try Self.checkName(policy.name, path: "\(path).name", unique: &policyNames)
            try Self.checkPolicy(policy.document, kind: .identity, path: "\(path).document")
        }
        var principalNames: Set<String> = ["root"]
        for (index, user) in (iam.users ?? []).enumerated() {
            let path = "iam.users[\(index)]"
            try Self.checkName(user.name, path: "\(path).name", unique: &principalNames)
            try Self.checkAttached(
                inline: user.policies,
                managed: user.managedPolicies,
                declared: policyNames,
                path: path
            )
        }
        for (index, role) in (iam.roles ?? []).enumerated() {
            let path = "iam.roles[\(index)]"
            try Self.checkName(role.name, path: "\(path).name", unique: &principalNames)
            try Self.checkPolicy(role.trustPolicy, kind: .trust, path: "\(path).trustPolicy")
            try Self.checkAttached(
                inline: role.policies,
                managed: role.managedPolicies,
                declared: policyNames,
                path: path
            )
            if let duration = role.maxSessionDuration, !(3600...43_200).contains(duration) {
                throw TopologyError(
                    path: "\(path).maxSessionDuration",
                    "\(duration) is outside 3600...43200 seconds, IAM's range"
                )
            }
        }
        var aliases: Set<String> = []
        for (index, key) in (self.kmsKeys ?? []).enumerated() {
            let path = "kmsKeys[\(index)]"
            let alias = key.alias.hasPrefix("alias/") ? String(key.alias.dropFirst(6)) : key.alias
            guard alias.range(of: #"^[A-Za-z0-9/_-]{1,250}$"#, options: .regularExpression) != nil,
                !alias.hasPrefix("aws/")
            else {
                throw TopologyError(
                    path: "\(path).alias",
                    "'\(key.alias)' is not an alias: use letters, digits, '/', '_' and '-', not starting with aws/"
                )
            }
            guard aliases.insert(alias).inserted else {
                throw TopologyError(path: "\(path).alias", "'\(alias)' is used twice; give each key its own alias")
            }
            if let policy = key.policy { try Self.checkPolicy(policy, kind: .resource, path: "\(path).policy") }
        }
        try self.validateSecrets(aliases: aliases)
    }

    private func validateSecrets(aliases: Set<String>) throws(TopologyError) {
        var names: Set<String> = []
        for (index, secret) in (self.secrets ?? []).enumerated() {
            let path = "secrets[\(index)]"
            // RDS names the secrets it manages for master passwords `rds!cluster-<uuid>` or `rds!db-<uuid>`.
            guard
                secret.name.range(of: #"^(rds!(cluster|db)-)?[A-Za-z0-9/_+=.@-]{1,512}$"#, options: .regularExpression)
                    != nil
            else {
                throw TopologyError(
                    path: "\(path).name",
                    "'\(secret.name)' is not a secret name: use letters, digits and /_+=.@-"
                )
            }
            guard names.insert(secret.name).inserted else {
                throw TopologyError(path: "\(path).name", "'\(secret.name)' is used twice")
            }
            let sources = [secret.value != nil, secret.generate != nil, secret.database != nil].filter { $0 }.count
            guard sources == 1 else {
                throw TopologyError(
                    path: path,
                    "give exactly one of value (literal), generate (GenerateSecretString options) or database "
                        + "(instance and user)"
                )
            }
            if let key = secret.kmsKey, !key.hasPrefix("arn:"),
                !aliases.contains(key.hasPrefix("alias/") ? String(key.dropFirst(6)) : key)
            {
                throw TopologyError(
                    path: "\(path).kmsKey",
                    "'\(key)' is not the alias of a key under kmsKeys; declare the key or give its ARN"
                )
            }
            if let generate = secret.generate {
                do throws(AWSError) { _ = try generate.secretString() } catch {
                    throw TopologyError(path: "\(path).generate", error.message)
                }
            }
            if let user = secret.database {
                guard
                    let users = self.instances.first(where: { $0.id == user.instance })?.users
                        ?? self.clusters?.first(where: { $0.id == user.instance })?.users
                else {
                    throw TopologyError(
                        path: "\(path).database.instance",
                        "'\(user.instance)' is not a database instance or cluster id of this topology"
                    )
                }
                guard users.contains(where: { $0.name == user.user }) else {
                    throw TopologyError(
                        path: "\(path).database.user",
                        "'\(user.user)' is not a user of \(user.instance); its users are "
                            + "\(users.map(\.name).joined(separator: ", "))"
                    )
                }
            }
            if let policy = secret.resourcePolicy {
                try Self.checkPolicy(policy, kind: .resource, path: "\(path).resourcePolicy")
            }
        }
    }

    private static func checkName(_ name: String, path: String, unique: inout Set<String>) throws(TopologyError) {
        guard name.range(of: #"^[\w+=,.@-]{1,64}$"#, options: .regularExpression) != nil else {
            throw TopologyError(path: path, "'\(name)' is not an IAM name: use 1-64 letters, digits and +=,.@_-")
        }
        guard unique.insert(name).inserted else {
            throw TopologyError(
                path: path,
                "'\(name)' is used twice (users and roles share one namespace here, and 'root' is the account's "
                    + "own credentials)"
            )
        }
    }

    private static func checkAttached(
        inline: [String: JSONText]?,
        managed: [String]?,
        declared: Set<String>,
        path: String
    ) throws(TopologyError) {
        for (name, document) in (inline ?? [:]).sorted(by: { $0.key < $1.key }) {
            try Self.checkPolicy(document, kind: .identity, path: "\(path).policies.\(name)")
        }
        for (index, name) in (managed ?? []).enumerated() where !name.hasPrefix("arn:") && !declared.contains(name) {
            throw TopologyError(
                path: "\(path).managedPolicies[\(index)]",
                "'\(name)' is not declared under iam.policies; declare it or give its ARN"
            )
        }
    }

    private static func checkPolicy(_ document: JSONText, kind: PolicyDocument.Kind, path: String) throws(TopologyError)
    {
        do throws(MalformedPolicyDocument) { _ = try PolicyDocument.parse(document.text, kind: kind) } catch {
            throw TopologyError(path: path, "MalformedPolicyDocument: \(error.message)")
        }
    }
}

extension Topology {
    /// Proxies: names, a known role, secrets and target instance.
    func validateProxies() throws(TopologyError) {
        var names: Set<String> = []
        let roles = Set((self.iam?.roles ?? []).map(\.name))
        let secrets = Set((self.secrets ?? []).map(\.name))
        for (index, proxy) in (self.proxies ?? []).enumerated() {
            let path = "proxies[\(index)]"
            guard proxy.name.range(of: "^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$", options: .regularExpression) != nil,
                !proxy.name.hasSuffix("-")
            else {
                throw TopologyError(
                    path: "\(path).name",
                    "'\(proxy.name)' is not a proxy name: 1-63 letters, digits and single hyphens, starting with a "
                        + "letter"
                )
            }
            guard names.insert(proxy.name).inserted else {
                throw TopologyError(path: "\(path).name", "'\(proxy.name)' is used twice")
            }
            guard proxy.role.hasPrefix("arn:") || roles.contains(proxy.role) else {
                throw TopologyError(
                    path: "\(path).role",
                    "'\(proxy.role)' is not a role under iam.roles; declare it (trusting rds.amazonaws.com) or "
                        + "give its ARN"
                )
            }
            guard
                self.instances.contains(where: { $0.id == proxy.target })
                    || self.clusters?.contains(where: { $0.id == proxy.target }) == true
            else {
                throw TopologyError(
                    path: "\(path).target",
                    "'\(proxy.target)' is not a database instance or cluster id of this topology"
                )
            }
            guard !proxy.auth.isEmpty else {
                throw TopologyError(
                    path: "\(path).auth",
                    "a proxy needs at least one secret to log into its target with"
                )
            }
            for (a, auth) in proxy.auth.enumerated()
            where !auth.secret.hasPrefix("arn:") && !secrets.contains(auth.secret) {
                throw TopologyError(
                    path: "\(path).auth[\(a)].secret",
                    "'\(auth.secret)' is not a secret under secrets; declare it or give its ARN"
                )
            }
            try self.checkEngineFamily(of: proxy, at: path)
        }
        try self.validateProxyEndpoints(proxyNames: names)
    }

    /// A proxy speaks its target's engine: an `engineFamily` or a ClientPasswordAuthType of the other engine is
    /// refused, naming the target's `engine`.
    private func checkEngineFamily(of proxy: Proxy, at path: String) throws(TopologyError) {
        let placed = self.placedInstances.first { $0.1.id == proxy.target }
        let cluster = self.clusters?.enumerated().first { $0.element.id == proxy.target }
        let engine = placed?.1.resolvedEngine ?? cluster?.element.resolvedEngine.instanceEngine ?? .mysql
        let engineKey =
            placed.map { "\($0.0).engine: \(engine.rawValue)" } ?? cluster.map {
                "clusters[\($0.offset)].engine: \($0.element.resolvedEngine.rawValue)"
            }
            ?? "engine \(engine.rawValue)"
        if let family = proxy.engineFamily, family != engine.family {
            throw TopologyError(
                path: "\(path).engineFamily",
                "\(family) does not match its target \(proxy.target) (\(engineKey), family \(engine.family)); "
                    + "one proxy serves one engine: drop engineFamily or target a "
                    + "\(family == "POSTGRESQL" ? "postgres" : "mysql") instance"
            )
        }
        for (a, auth) in proxy.auth.enumerated() {
            guard let type = auth.clientPasswordAuthType, type.family != engine.family else { continue }
            throw TopologyError(
                path: "\(path).auth[\(a)].clientPasswordAuthType",
                "\(type.rawValue) is for \(type.family) and the target \(proxy.target) "
                    + "is \(engine.rawValue) (\(engineKey)); use "
                    + (engine == .postgres
                        ? "POSTGRES_SCRAM_SHA_256 or POSTGRES_MD5"
                        : "MYSQL_NATIVE_PASSWORD or MYSQL_CACHING_SHA2_PASSWORD")
            )
        }
    }

    /// Proxy endpoints: names of their own (not `default`, no proxy's), and READ_ONLY only on a cluster with a reader.
    private func validateProxyEndpoints(proxyNames: Set<String>) throws(TopologyError) {
        var names: Set<String> = ["default"]
        for (path, proxy, endpoint) in self.placedProxyEndpoints {
            guard endpoint.name.range(of: "^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$", options: .regularExpression) != nil,
                !endpoint.name.hasSuffix("-")
            else {
                throw TopologyError(
                    path: "\(path).name",
                    "'\(endpoint.name)' is not an endpoint name: 1-63 letters, digits and single hyphens, starting "
                        + "with a letter"
                )
            }
            guard !proxyNames.contains(endpoint.name), names.insert(endpoint.name).inserted else {
                throw TopologyError(
                    path: "\(path).name",
                    "'\(endpoint.name)' is already a proxy or endpoint name (or 'default'); give the endpoint its own"
                )
            }
            if endpoint.targetRole == .readOnly {
                guard let cluster = self.clusters?.first(where: { $0.id == proxy.target }) else {
                    throw TopologyError(
                        path: "\(path).targetRole",
                        "READ_ONLY routes to a cluster's readers, and proxy \(proxy.name) targets DB instance "
                            + "\(proxy.target); target a cluster or use READ_WRITE"
                    )
                }
                guard cluster.instances.count > 1 else {
                    throw TopologyError(
                        path: "\(path).targetRole",
                        "READ_ONLY routes to a cluster's readers, and cluster \(cluster.id) has only its writer; "
                            + "add a reader instance or use READ_WRITE"
                    )
                }
            }
        }
    }
}
