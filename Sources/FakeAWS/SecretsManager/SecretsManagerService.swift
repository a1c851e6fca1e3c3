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
            let versionID = input["ClientRequestToken"] as? String ?? UUID().uuidString.lowercased()
            let keyARN = self.keyARN(input["KmsKeyId"] as? String)
            if Self.carriesValue(input) {
                let planned = Secret(name: name, arn: arn, kmsKeyID: keyARN)
                try self.useKey(of: planned, version: versionID, action: "kms:GenerateDataKey", caller: caller)
            }
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> [String: Any] in
                guard data.secrets[name] == nil else {
                    throw AWSError(code: "ResourceExistsException", message: "The operation failed because the secret \(name) already exists.")
                }
                var secret = Secret(name: name, arn: arn, description: input["Description"] as? String, kmsKeyID: keyARN)
                secret.tags = Self.tags(input["Tags"])
                var result: [String: Any] = ["ARN": arn, "Name": name]
                if let version = try Self.newVersion(input, id: versionID, now: now) {
                    secret.versions = [version]
                    result["VersionId"] = version.id
                }
                data.secrets[name] = secret
                return result
            }
        case "GetRandomPassword":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            return ["RandomPassword": try PasswordOptions.from(input).password()]
        case "ListSecrets":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let secrets = self.account.read { $0.secrets.values.filter { $0.deletedDate == nil }.sorted { $0.name < $1.name } }
            return ["SecretList": secrets.map { Self.describe($0) }]
        default:
            break
        }
        guard let id = input["SecretId"] as? String else { throw Self.invalid("SecretId is required.") }
        let secret = try self.find(id)
        try self.authorizer.authorize(caller, action: action, resource: secret.arn, resourcePolicy: .optional(secret.resourcePolicy), json: true)
        if secret.deletedDate != nil, !["DescribeSecret", "RestoreSecret", "DeleteSecret"].contains(operation) {
            throw AWSError(code: "InvalidRequestException", message: "You can't perform this operation on the secret because it was marked for deletion.")
        }
        // KMS is asked before the state lock is taken (it reads the account's keys) and before anything changes.
        let versionID = input["ClientRequestToken"] as? String ?? UUID().uuidString.lowercased()
        switch operation {
        case "GetSecretValue":
            try self.useKey(of: secret, version: try Self.version(of: secret, input).id, action: "kms:Decrypt", caller: caller)
        case "PutSecretValue" where Self.carriesValue(input), "UpdateSecret" where Self.carriesValue(input):
            var planned = secret
            if operation == "UpdateSecret", let key = self.keyARN(input["KmsKeyId"] as? String) { planned.kmsKeyID = key }
            try self.useKey(of: planned, version: versionID, action: "kms:GenerateDataKey", caller: caller)
        default:
            break
        }
        return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> [String: Any] in
            guard var secret = data.secrets[secret.name] else { throw Self.notFound }
            defer { data.secrets[secret.name] = secret }
            switch operation {
            case "GetSecretValue":
                let version = try Self.version(of: secret, input)
                var result: [String: Any] = ["ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": version.stages,
                                             "CreatedDate": version.created.timeIntervalSince1970]
                if let string = version.string { result["SecretString"] = string }
                if let binary = version.binary { result["SecretBinary"] = Data(binary).base64EncodedString() }
                return result
            case "PutSecretValue", "UpdateSecret":
                if operation == "UpdateSecret" {
                    if let description = input["Description"] as? String { secret.description = description }
                    if let key = self.keyARN(input["KmsKeyId"] as? String) { secret.kmsKeyID = key }
                }
                guard var version = try Self.newVersion(input, id: versionID, now: now) else {
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
            case "RotateSecret":
                let rules = input["RotationRules"] as? [String: Any] ?? [:]
                guard let lambda = input["RotationLambdaARN"] as? String ?? secret.rotation?.lambdaARN else {
                    throw AWSError(code: "InvalidRequestException", message: "No Lambda rotation function ARN is associated with this secret. Pass RotationLambdaARN.")
                }
                let days = rules["AutomaticallyAfterDays"] as? Int
                if let days, !(1...1000).contains(days) { throw Self.invalid("AutomaticallyAfterDays must be between 1 and 1000.") }
                secret.rotation = Secret.Rotation(lambdaARN: lambda, automaticallyAfterDays: days ?? secret.rotation?.automaticallyAfterDays,
                                                  scheduleExpression: rules["ScheduleExpression"] as? String ?? secret.rotation?.scheduleExpression,
                                                  duration: rules["Duration"] as? String ?? secret.rotation?.duration)
                return ["ARN": secret.arn, "Name": secret.name]
            case "CancelRotateSecret":
                secret.rotation = nil
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

    /// The version GetSecretValue asks for: by VersionId, by VersionStage, or AWSCURRENT.
    private static func version(of secret: Secret, _ input: [String: Any]) throws(AWSError) -> Secret.Version {
        let stage = input["VersionStage"] as? String ?? (input["VersionId"] == nil ? "AWSCURRENT" : nil)
        let version = (input["VersionId"] as? String).flatMap { id in secret.versions.first { $0.id == id } } ?? stage.flatMap { secret.version(stage: $0) }
        guard let version, stage == nil || version.stages.contains(stage!) else {
            throw AWSError(code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret value for staging label: \(stage ?? "AWSCURRENT")")
        }
        return version
    }

    private static func carriesValue(_ input: [String: Any]) -> Bool { input["SecretString"] != nil || input["SecretBinary"] != nil }

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
        result["RotationEnabled"] = secret.rotation != nil
        if let rotation = secret.rotation {
            result["RotationLambdaARN"] = rotation.lambdaARN
            var rules: [String: Any] = [:]
            rules["AutomaticallyAfterDays"] = rotation.automaticallyAfterDays
            rules["ScheduleExpression"] = rotation.scheduleExpression
            rules["Duration"] = rotation.duration
            result["RotationRules"] = rules
        }
        return result
    }
}
