import SandboxTopology

/// KMS keys and aliases, IAM roles and policies, Secrets Manager secrets and their attachments to databases.
extension CloudFormationImporter {
    mutating func mapAccount(_ item: Item) throws {
        let properties = try item.properties()
        let name = try item.name()
        let path = "Resources.\(item.id).Properties"
        switch item.type {
        case "AWS::KMS::Key":
            self.builder.addKey(
                Topology.KMSKey(
                    alias: "cfn-" + item.id.lowercased(),
                    description: properties["Description"]?.string,
                    policy: properties["KeyPolicy"].map { Self.document($0) },
                    keyId: name
                )
            )
            self.unread(
                item,
                properties,
                read: ["KeyPolicy", "Enabled", "EnableKeyRotation", "KeySpec", "KeyUsage", "PendingWindowInDays"]
            )
        case "AWS::KMS::Alias":
            guard let target = properties["TargetKeyId"]?.string else {
                throw item.stack.error(path, "an alias needs TargetKeyId")
            }
            self.builder.renameKey(
                target.split(separator: "/").last.map(String.init) ?? target,
                alias: String(name.hasPrefix("alias/") ? name.dropFirst("alias/".count) : Substring(name))
            )
        case "AWS::IAM::Role":
            guard let trust = properties["AssumeRolePolicyDocument"] else {
                throw item.stack.error(path, "a role needs AssumeRolePolicyDocument")
            }
            var inline: [String: JSONText] = [:]
            for (index, policy) in (properties["Policies"]?.items ?? []).enumerated() {
                guard let policyName = policy["PolicyName"]?.string, let document = policy["PolicyDocument"] else {
                    throw item.stack.error(
                        "\(path).Policies[\(index)]",
                        "an inline policy needs PolicyName and PolicyDocument"
                    )
                }
                inline[policyName] = Self.document(document)
            }
            self.builder.addRole(
                Topology.Role(
                    name: name,
                    trustPolicy: Self.document(trust),
                    policies: inline.isEmpty ? nil : inline,
                    maxSessionDuration: properties["MaxSessionDuration"]?.int
                )
            )
            for arn in properties["ManagedPolicyArns"]?.strings ?? [] {
                self.builder.attach(arn, to: name) { self.session.warn(item.label, item.type, $0) }
            }
            self.unread(
                item,
                properties,
                read: [
                    "AssumeRolePolicyDocument", "Policies", "ManagedPolicyArns", "MaxSessionDuration", "RoleName",
                    "Path",
                ]
            )
        case "AWS::IAM::ManagedPolicy":
            guard let document = properties["PolicyDocument"] else {
                throw item.stack.error(path, "a managed policy needs PolicyDocument")
            }
            self.builder.addManagedPolicy(name, document: Self.document(document).text)
            for role in properties["Roles"]?.strings ?? [] {
                self.builder.attach("arn:aws:iam::\(self.session.accountId):policy/\(name)", to: Self.roleName(role)) {
                    self.session.warn(item.label, item.type, $0)
                }
            }
            self.unread(item, properties, read: ["PolicyDocument", "Roles", "ManagedPolicyName", "Path"])
        case "AWS::IAM::Policy":
            guard let document = properties["PolicyDocument"] else {
                throw item.stack.error(path, "a policy needs PolicyDocument")
            }
            for role in properties["Roles"]?.strings ?? [] {
                self.builder.changeRole(Self.roleName(role)) {
                    $0.policies = ($0.policies ?? [:]).merging([name: Self.document(document)]) { $1 }
                }
            }
            self.unread(item, properties, read: ["PolicyDocument", "Roles", "PolicyName"])
        case "AWS::SecretsManager::Secret":
            let value = try item.stack.secretString(item.id)
            self.builder.addSecret(
                Topology.Secret(
                    name: name,
                    description: properties["Description"]?.string,
                    kmsKey: properties["KmsKeyId"]?.string,
                    value: JSONText(value),
                    resourcePolicy: nil,
                    arnSuffix: item.stack.secretSuffix(item.id)
                ),
                arn: try item.stack.secretARN(item.id)
            )
            self.unread(
                item,
                properties,
                read: ["Name", "Description", "KmsKeyId", "SecretString", "GenerateSecretString"]
            )
        case "AWS::SecretsManager::SecretTargetAttachment":
            guard let secret = properties["SecretId"]?.string, let target = properties["TargetId"]?.string else {
                throw item.stack.error(path, "an attachment needs SecretId and TargetId")
            }
            // RDS's form: the secret then holds the instance's (or cluster's) endpoint, port and engine, as RDS writes
            // it. The attachment adds those and changes no credential: a secret whose password is not the database
            // user's (typed in twice and changed in one place, or missing) keeps what it holds.
            let users =
                self.builder.clusters[target]?.cluster.users ?? self.builder.topology.databases.first {
                    $0.id == target
                }?.users ?? []
            self.builder.changeSecret(arn: secret) { stored in
                guard let value = stored.value.flatMap({ TemplateValue(json: $0.text) }),
                    let user = value["username"]?.string,
                    let password = value["password"]?.string,
                    users.contains(where: { $0.name == user && $0.password == password })
                else { return }
                stored.value = nil
                stored.database = .init(instance: target, user: user)
            }
        default:
            return
        }
    }

    /// A policy document: a map, or JSON text as some templates write it.
    static func document(_ value: TemplateValue) -> JSONText { JSONText(value.string ?? value.json) }

    /// A role's name from its name or ARN (`arn:aws:iam::123456789012:role/path/name`).
    static func roleName(_ reference: String) -> String {
        reference.hasPrefix("arn:") ? reference.split(separator: "/").last.map(String.init) ?? reference : reference
    }
}
