import CloudSandbox
import Foundation
import SandboxJSON
import SandboxVirtualNetwork

/// How a function logs in to its database, read from its configuration (`Topology.Function.database`): a built-in
/// SQL handler's settings, or a process's environment (`DB_HOST: ${proxy:NAME}`, a user for an IAM token, a secret
/// for a password, as the customer named them).
struct DatabasePath: Sendable, Equatable {
    enum Auth: Sendable, Equatable {
        case iam
        case secret(String)
    }

    var function: Topology.Function
    /// A proxy name, an instance id or a cluster id.
    var target: String
    var user: String?
    var auth: Auth
    var tls: Bool

    var description: String { "function \(self.function.name) → \(self.target)" }

    static func all(in topology: Topology) -> [DatabasePath] {
        (topology.functions ?? []).compactMap { function in
            guard let settings = function.database else { return nil }
            return DatabasePath(
                function: function,
                target: settings.target,
                user: settings.user,
                auth: settings.secret.map { .secret($0) } ?? .iam,
                tls: settings.tls
            )
        }
    }
}

extension Topology {
    /// The VPC of a subnet.
    func vpc(ofSubnet subnet: String?) -> String? {
        guard let subnet else { return nil }
        return self.network?.vpcs.first { vpc in vpc.subnets.contains { $0.id == subnet } }?.id
    }

    func securityGroup(_ id: String) -> NetworkSpec.SecurityGroup? {
        self.network?.vpcs.lazy.compactMap { $0.securityGroups?.first { $0.id == id } }.first
    }

    /// The instance a proxy's target names (a cluster's writer for a cluster).
    func instance(behind target: String) -> DatabaseInstance? {
        if let instance = self.databases.first(where: { $0.id == target }) { return instance }
        let writer = self.clusters?.first { $0.id == target }?.instances.first?.id
        return self.instances.first { $0.id == writer }
    }

    /// The statements of a role's policies (inline and managed), as JSON objects.
    func statements(ofRole name: String) -> [[String: JSONValue]] {
        guard let role = self.iam?.roles?.first(where: { $0.name == name }) else { return [] }
        let managed = (role.managedPolicies ?? []).compactMap { policy in
            self.iam?.policies?.first { $0.name == policy }?.document
        }
        return (Array((role.policies ?? [:]).values) + managed).flatMap { document -> [[String: JSONValue]] in
            guard let statement = (try? JSONValue(parsing: Array(document.text.utf8)))?["Statement"] else { return [] }
            if let one = statement.objectValue { return [one] }
            return (statement.arrayValue ?? []).compactMap(\.objectValue)
        }
    }

    /// The username a secret (a name, or an ARN with or without its suffix) holds, as written in the topology.
    func username(inSecret name: String) -> String? {
        guard
            let secret = self.secrets?.first(where: { secret in
                name == secret.name || name.hasSuffix(":secret:\(secret.name)")
                    || name.range(
                        of: ":secret:\(NSRegularExpression.escapedPattern(for: secret.name))-[A-Za-z0-9]{6}$",
                        options: .regularExpression
                    ) != nil
            })
        else { return nil }
        if let database = secret.database { return database.user }
        guard let text = secret.value?.text else { return nil }
        return (try? JSONValue(parsing: Array(text.utf8)))?["username"]?.stringValue
    }
}

/// A policy value written as one string or a list.
func strings(_ value: JSONValue?) -> [String] {
    if let one = value?.stringValue { return [one] }
    return (value?.arrayValue ?? []).compactMap(\.stringValue)
}
