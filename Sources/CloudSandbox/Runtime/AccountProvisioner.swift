import Foundation
import SandboxAWSCore
import SandboxJSON
import SandboxSigV4

/// Creates a topology's IAM principals, KMS keys and secrets in the sandbox's account, and returns the
/// credentials clients use: each user's access key, each role's session credentials, and the root's.
enum AccountProvisioner {
    static func provision(
        _ topology: Topology,
        into account: AccountState,
        databases: [String: Endpoints.Database]
    ) throws(TopologyError) -> [String: Endpoints.Credentials] {
        var credentials: [String: Endpoints.Credentials] = ["root": .init(account.rootCredentials)]
        let iam = topology.iam ?? Topology.IAM()
        for (index, policy) in (iam.policies ?? []).enumerated() {
            try Self.at("iam.policies[\(index)]") { () throws(AWSError) in
                try account.createManagedPolicy(name: policy.name, document: policy.document.text)
            }
        }
        for (index, user) in (iam.users ?? []).enumerated() {
            let key = try Self.at("iam.users[\(index)]") { () throws(AWSError) in
                try account.createUser(
                    name: user.name,
                    inlinePolicies: (user.policies ?? [:]).mapValues(\.text),
                    managedPolicies: user.managedPolicies ?? []
                )
            }
            credentials[user.name] = .init(key)
        }
        for (index, role) in (iam.roles ?? []).enumerated() {
            let session = try Self.at("iam.roles[\(index)]") { () throws(AWSError) in
                try account.createRole(
                    name: role.name,
                    trustPolicy: role.trustPolicy.text,
                    inlinePolicies: (role.policies ?? [:]).mapValues(\.text),
                    managedPolicies: role.managedPolicies ?? [],
                    maxSessionDuration: role.maxSessionDuration ?? 3600
                )
                return try account.sessionCredentials(role: role.name, session: "cloudsandbox")
            }
            credentials[role.name] = .init(session.credentials, expires: session.expires)
        }
        for (index, key) in (topology.kmsKeys ?? []).enumerated() {
            try Self.at("kmsKeys[\(index)]") { () throws(AWSError) in
                try account.createKey(
                    alias: key.alias,
                    description: key.description ?? "",
                    policy: key.policy?.text,
                    id: key.keyId
                )
            }
        }
        for (index, secret) in (topology.secrets ?? []).enumerated() {
            try Self.at("secrets[\(index)]") { () throws(AWSError) in
                try account.createSecret(
                    name: secret.name,
                    value: try Self.value(of: secret, topology: topology, databases: databases, account: account),
                    kmsKey: secret.kmsKey.map { $0.hasPrefix("arn:") || $0.hasPrefix("alias/") ? $0 : "alias/\($0)" },
                    description: secret.description,
                    resourcePolicy: secret.resourcePolicy?.text,
                    arnSuffix: secret.arnSuffix
                )
            }
        }
        return credentials
    }

    /// A database secret as RDS writes one: for a cluster, its (writer) endpoint and `dbClusterIdentifier`.
    private static func value(
        of secret: Topology.Secret,
        topology: Topology,
        databases: [String: Endpoints.Database],
        account: AccountState
    ) throws(AWSError) -> String {
        if let value = secret.value { return value.text }
        if let generate = secret.generate { return try generate.secretString() }
        let user = secret.database!
        let writer = account.dbCluster(user.instance)?.writer
        // Aurora PostgreSQL's secrets say postgres, as RDS writes them
        let engine = databases[writer ?? user.instance]?.engine ?? "mysql"
        var object: [String: JSONValue] = ["username": .string(user.user), "engine": .string(engine)]
        if let cluster = account.dbCluster(user.instance), let writer = cluster.writer, let database = databases[writer]
        {
            object.merge([
                "password": .string(database.users[user.user] ?? ""), "host": .string(cluster.endpoint),
                "port": .int(Int64(database.port)),
                "dbClusterIdentifier": .string(user.instance),
            ]) { _, new in new }
        } else {
            let database = databases[user.instance]!
            object.merge([
                "password": .string(database.users[user.user] ?? ""), "host": .string(database.endpoint),
                "port": .int(Int64(database.port)),
                "dbInstanceIdentifier": .string(user.instance),
            ]) { _, new in new }
        }
        return JSONValue.object(object).text
    }

    /// Runs `body`, turning an AWS refusal into a topology error at `path`.
    @discardableResult
    private static func at<T>(_ path: String, _ body: () throws(AWSError) -> T) throws(TopologyError) -> T {
        do throws(AWSError) { return try body() } catch {
            throw TopologyError(path: path, "\(error.code): \(error.message)")
        }
    }
}
