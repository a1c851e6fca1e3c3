import Foundation
import IAMPolicy

/// Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`): secrets with versions and
/// staging labels, deletion windows, resource policies. Every call is authorized against the caller's
/// identity policies and the secret's resource policy.
struct SecretsManagerService: Sendable {
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ operation: String, _ input: [String: Any], caller: Caller, now: Date) throws(AWSError) -> [String: Any] {
        let action = "secretsmanager:\(operation)"
        switch operation {
        case "CreateSecret":
            guard let name = input["Name"] as? String, !name.isEmpty else { throw Self.invalid("Name is required.") }
            let arn = "arn:aws:secretsmanager:\(self.account.region):\(self.account.accountID):secret:\(name)-\(IDs.suffix(6))"
            try self.authorizer.authorize(caller, action: action, resource: arn, json: true)
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> [String: Any] in
                guard data.secrets[name] == nil else {
                    throw AWSError(code: "ResourceExistsException", message: "The operation failed because the secret \(name) already exists.")
                }
                var secret = Secret(name: name, arn: arn, description: input["Description"] as? String, kmsKeyID: input["KmsKeyId"] as? String)
                secret.tags = Self.tags(input["Tags"])
                var result: [String: Any] = ["ARN": arn, "Name": name]
                if let version = try Self.newVersion(input, id: input["ClientRequestToken"] as? String, now: now) {
                    secret.versions = [version]
                    result["VersionId"] = version.id
                }
                data.secrets[name] = secret
                return result
            }
        case "GetRandomPassword":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            return ["RandomPassword": try PasswordGenerator.generate(input)]
        case "ListSecrets":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let secrets = self.account.read { $0.secrets.values.filter { $0.deletedDate == nil }.sorted { $0.name < $1.name } }
            return ["SecretList": secrets.map { Self.describe($0) }]
        default:
            break
        }
        guard let id = input["SecretId"] as? String else { throw Self.invalid("SecretId is required.") }
        let secret = try self.find(id)
        try self.authorizer.authorize(caller, action: action, resource: secret.arn, resourcePolicy: secret.resourcePolicy, json: true)
        if secret.deletedDate != nil, !["DescribeSecret", "RestoreSecret", "DeleteSecret"].contains(operation) {
            throw AWSError(code: "InvalidRequestException", message: "You can't perform this operation on the secret because it was marked for deletion.")
        }
        return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> [String: Any] in
            guard var secret = data.secrets[secret.name] else { throw Self.notFound }
            defer { data.secrets[secret.name] = secret }
            switch operation {
            case "GetSecretValue":
                let stage = input["VersionStage"] as? String ?? (input["VersionId"] == nil ? "AWSCURRENT" : nil)
                let version = (input["VersionId"] as? String).flatMap { id in secret.versions.first { $0.id == id } } ?? stage.flatMap { secret.version(stage: $0) }
                guard let version, stage == nil || version.stages.contains(stage!) else {
                    throw AWSError(code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret value for staging label: \(stage ?? "AWSCURRENT")")
                }
                var result: [String: Any] = ["ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": version.stages,
                                             "CreatedDate": version.created.timeIntervalSince1970]
                if let string = version.string { result["SecretString"] = string }
                if let binary = version.binary { result["SecretBinary"] = Data(binary).base64EncodedString() }
                return result
            case "PutSecretValue", "UpdateSecret":
                if operation == "UpdateSecret" {
                    if let description = input["Description"] as? String { secret.description = description }
                    if let key = input["KmsKeyId"] as? String { secret.kmsKeyID = key }
                }
                guard var version = try Self.newVersion(input, id: input["ClientRequestToken"] as? String, now: now) else {
                    if operation == "UpdateSecret" { return ["ARN": secret.arn, "Name": secret.name] }
                    throw Self.invalid("You must provide either SecretString or SecretBinary.")
                }
                let stages = input["VersionStages"] as? [String] ?? ["AWSCURRENT"]
                version.stages = stages
                if stages.contains("AWSCURRENT") {
                    for index in secret.versions.indices {
                        secret.versions[index].stages.removeAll { $0 == "AWSPREVIOUS" }
                        if secret.versions[index].stages.contains("AWSCURRENT") {
                            secret.versions[index].stages = secret.versions[index].stages.filter { $0 != "AWSCURRENT" } + ["AWSPREVIOUS"]
                        }
                    }
                }
                for index in secret.versions.indices { secret.versions[index].stages.removeAll { stages.contains($0) && $0 != "AWSCURRENT" } }
                secret.versions.removeAll { $0.stages.isEmpty }
                secret.versions.append(version)
                return ["ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": stages]
            case "DescribeSecret":
                return Self.describe(secret)
            case "DeleteSecret":
                let force = input["ForceDeleteWithoutRecovery"] as? Bool ?? false
                let window = input["RecoveryWindowInDays"] as? Int ?? 30
                if force, input["RecoveryWindowInDays"] != nil {
                    throw Self.invalid("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
                }
                guard force || (7...30).contains(window) else { throw Self.invalid("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).") }
                let deletion = force ? now : now.addingTimeInterval(TimeInterval(window * 86_400))
                if force { data.secrets[secret.name] = nil; secret.deletedDate = now; return ["ARN": secret.arn, "Name": secret.name, "DeletionDate": deletion.timeIntervalSince1970] }
                secret.deletedDate = deletion
                return ["ARN": secret.arn, "Name": secret.name, "DeletionDate": deletion.timeIntervalSince1970]
            case "RestoreSecret":
                secret.deletedDate = nil
                return ["ARN": secret.arn, "Name": secret.name]
            case "PutResourcePolicy":
                guard let policy = input["ResourcePolicy"] as? String else { throw Self.invalid("ResourcePolicy is required.") }
                do throws(MalformedPolicyDocument) { _ = try PolicyDocument.parse(policy, kind: .resource) } catch {
                    throw AWSError(code: "MalformedPolicyDocumentException", message: error.message)
                }
                secret.resourcePolicy = policy
                return ["ARN": secret.arn, "Name": secret.name]
            case "GetResourcePolicy":
                var result: [String: Any] = ["ARN": secret.arn, "Name": secret.name]
                result["ResourcePolicy"] = secret.resourcePolicy
                return result
            case "DeleteResourcePolicy":
                secret.resourcePolicy = nil
                return ["ARN": secret.arn, "Name": secret.name]
            case "TagResource":
                secret.tags.merge(Self.tags(input["Tags"]), uniquingKeysWith: { _, new in new })
                return [:]
            default:
                throw AWSError(code: "UnknownOperationException", message: "Secrets Manager has no operation \(operation).")
            }
        }
    }

    /// Finds a secret by name, full ARN, or ARN without the random suffix.
    private func find(_ id: String) throws(AWSError) -> Secret {
        let found = self.account.read { data in
            data.secrets[id] ?? data.secrets.values.first { $0.arn == id || (id.hasPrefix("arn:") && $0.arn.hasPrefix(id + "-")) }
        }
        guard let found else { throw Self.notFound }
        return found
    }

    private static let notFound = AWSError(code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret.")

    private static func invalid(_ message: String) -> AWSError { AWSError(code: "InvalidParameterException", message: message) }

    private static func newVersion(_ input: [String: Any], id: String?, now: Date) throws(AWSError) -> Secret.Version? {
        let string = input["SecretString"] as? String
        let binary = (input["SecretBinary"] as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) }
        if string != nil, binary != nil { throw Self.invalid("You can't specify both a binary secret value and a string secret value in the same secret.") }
        guard string != nil || binary != nil else { return nil }
        return Secret.Version(id: id ?? UUID().uuidString.lowercased(), string: string, binary: binary, stages: ["AWSCURRENT"], created: now)
    }

    private static func tags(_ value: Any?) -> [String: String] {
        let list = value as? [[String: String]] ?? []
        return Dictionary(list.compactMap { item in item["Key"].map { ($0, item["Value"] ?? "") } }, uniquingKeysWith: { _, new in new })
    }

    private static func describe(_ secret: Secret) -> [String: Any] {
        var result: [String: Any] = [
            "ARN": secret.arn, "Name": secret.name, "CreatedDate": secret.created.timeIntervalSince1970,
            "VersionIdsToStages": Dictionary(secret.versions.map { ($0.id, $0.stages) }, uniquingKeysWith: { first, _ in first }),
            "Tags": secret.tags.sorted { $0.key < $1.key }.map { ["Key": $0.key, "Value": $0.value] },
        ]
        result["Description"] = secret.description
        result["KmsKeyId"] = secret.kmsKeyID
        result["DeletedDate"] = secret.deletedDate?.timeIntervalSince1970
        return result
    }
}

/// GetRandomPassword with its options.
enum PasswordGenerator {
    static func generate(_ input: [String: Any]) throws(AWSError) -> String {
        let length = input["PasswordLength"] as? Int ?? 32
        guard (4...4096).contains(length) else {
            throw AWSError(code: "InvalidParameterException", message: "PasswordLength must be between 4 and 4096.")
        }
        let excluded = Set(input["ExcludeCharacters"] as? String ?? "")
        var classes: [[Character]] = []
        if input["ExcludeLowercase"] as? Bool != true { classes.append(Array("abcdefghijklmnopqrstuvwxyz")) }
        if input["ExcludeUppercase"] as? Bool != true { classes.append(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) }
        if input["ExcludeNumbers"] as? Bool != true { classes.append(Array("0123456789")) }
        if input["ExcludePunctuation"] as? Bool != true { classes.append(Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")) }
        if input["IncludeSpace"] as? Bool == true { classes.append([" "]) }
        classes = classes.map { $0.filter { !excluded.contains($0) } }.filter { !$0.isEmpty }
        guard !classes.isEmpty else { throw AWSError(code: "InvalidParameterException", message: "Every character class is excluded; allow at least one.") }
        var password = classes.map { $0.randomElement()! }  // RequireEachIncludedType (the default)
        let all = classes.flatMap { $0 }
        while password.count < length { password.append(all.randomElement()!) }
        return String(password.prefix(length).shuffled())
    }
}
