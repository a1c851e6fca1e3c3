import ArgumentParser
import CloudSandbox
import Foundation
import SandboxRedaction
import SandboxTemplateImport
import Yams

/// `sandbox import PATH`: the topology a template or Terraform JSON becomes, as YAML on stdout (warnings on
/// stderr): what `up` would run, to read, edit (bind code to a function) and keep.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Print the topology a CloudFormation/SAM template or Terraform JSON becomes (warnings on stderr)."
    )

    @Argument(help: "A CloudFormation/SAM template or `terraform show -json` output.") var path: String
    @OptionGroup var source: TopologyArguments
    @Flag(help: "Print database passwords and secret values (redacted by default).") var showSecrets = false

    func run() throws {
        var topology = try self.source.load(self.path).topology
        print("# Imported from \(self.path); file paths are as the import resolved them.")
        if !self.showSecrets {
            print("# Passwords and secret values are redacted: --show-secrets prints them (needed to run this file).")
            topology.redactSecrets()
        }
        print(try YAMLEncoder().encode(topology), terminator: "")
    }
}

extension Topology {
    /// Every password and secret value replaced by a placeholder.
    mutating func redactSecrets() {
        let hidden = Redacted.text
        let redacted = { (users: [DatabaseInstance.User]) in
            users.map {
                DatabaseInstance.User(
                    name: $0.name,
                    password: hidden,
                    plugin: $0.plugin,
                    method: $0.method,
                    roles: $0.roles,
                    host: $0.host
                )
            }
        }
        self.databases = self.databases.map { database in
            var database = database
            database.users = redacted(database.users)
            return database
        }
        self.clusters = self.clusters?.map { cluster in
            var cluster = cluster
            cluster.users = redacted(cluster.users)
            return cluster
        }
        self.secrets = self.secrets?.map { secret in
            var secret = secret
            if secret.value != nil { secret.value = JSONText(hidden) }
            return secret
        }
    }
}
