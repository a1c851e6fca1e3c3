import Foundation
import SandboxIAMPolicy

/// Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`): secrets with versions and
/// staging labels, deletion windows, resource policies. Every call is authorized against the caller's
/// identity policies and the secret's resource policy.
struct SecretsManagerService: Sendable {
    let account: AccountState
    let authorizer: Authorizer

    /// Answers `operation` with the request's JSON `body`.
    func handle(
        _ operation: SecretsManagerOperation,
        body: [UInt8],
        caller: Caller,
        now: Date
    ) throws(AWSError) -> any Encodable & Sendable {
        if operation == .getRandomPassword {
            try self.authorizer.authorize(caller, action: operation.action, resource: "*", json: true)
            return RandomPassword(randomPassword: try AWSJSON.decode(PasswordOptions.self, from: body).password())
        }
        return try self.handle(
            operation,
            try AWSJSON.decode(SecretsManagerInput.self, from: body),
            caller: caller,
            now: now
        )
    }

    /// Answers `operation` (any but GetRandomPassword) with its request members.
    func handle(
        _ operation: SecretsManagerOperation,
        _ input: SecretsManagerInput,
        caller: Caller,
        now: Date
    ) throws(AWSError) -> any Encodable & Sendable {
        switch operation {
        case .createSecret:
            guard let name = input.name, !name.isEmpty else { throw Self.invalid("Name is required.") }
            let arn =
                "arn:aws:secretsmanager:\(self.account.region):\(self.account.accountID):secret:"
                + "\(name)-\(IDs.suffix(6))"
            try self.authorizer.authorize(caller, action: operation.action, resource: arn, json: true)
            let versionID = input.clientRequestToken ?? UUID().uuidString.lowercased()
            let keyARN = self.keyARN(input.kmsKeyID)
            if input.carriesValue {
                let planned = Secret(name: name, arn: arn, kmsKeyID: keyARN)
                try self.useKey(of: planned, version: versionID, action: "kms:GenerateDataKey", caller: caller)
            }
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> SecretReference in
                guard data.secrets[name] == nil else {
                    throw AWSError.secretExists(name)
                }
                var secret = Secret(name: name, arn: arn, description: input.description, kmsKeyID: keyARN)
                secret.tags = Self.tags(input.tags)
                let version = try Self.newVersion(input, id: versionID, now: now)
                if let version { secret.versions = [version] }
                data.secrets[name] = secret
                return SecretReference(secret, versionID: version?.id)
            }
        case .listSecrets:
            try self.authorizer.authorize(caller, action: operation.action, resource: "*", json: true)
            let secrets = self.account.read {
                $0.secrets.values.filter { $0.deletedDate == nil }.sorted { $0.name < $1.name }
            }
            return SecretList(secretList: secrets.map(SecretDescription.init))
        default:
            break
        }
        guard let id = input.secretID else { throw Self.invalid("SecretId is required.") }
        let secret = try self.find(id)
        try self.authorizer.authorize(
            caller,
            action: operation.action,
            resource: secret.arn,
            resourcePolicy: .optional(secret.resourcePolicy),
            json: true
        )
        if secret.deletedDate != nil, !operation.worksOnDeletedSecrets {
            throw AWSError(
                .invalidRequestException,
                "You can't perform this operation on the secret because it was marked for deletion."
            )
        }
        // KMS is asked before the state lock is taken (it reads the account's keys) and before anything changes.
        let versionID = input.clientRequestToken ?? UUID().uuidString.lowercased()
        switch operation {
        case .getSecretValue:
            try self.useKey(
                of: secret,
                version: try Self.version(of: secret, input).id,
                action: "kms:Decrypt",
                caller: caller
            )
        case .putSecretValue where input.carriesValue, .updateSecret where input.carriesValue:
            var planned = secret
            if operation == .updateSecret, let key = self.keyARN(input.kmsKeyID) { planned.kmsKeyID = key }
            try self.useKey(of: planned, version: versionID, action: "kms:GenerateDataKey", caller: caller)
        default:
            break
        }
        return try self.account.withState {
            (data: inout AccountState.Data) throws(AWSError) -> any Encodable & Sendable in
            guard var secret = data.secrets[secret.name] else { throw Self.notFound }
            defer { data.secrets[secret.name] = secret }
            switch operation {
            case .getSecretValue:
                let version = try Self.version(of: secret, input)
                return SecretValue(
                    arn: secret.arn,
                    name: secret.name,
                    versionID: version.id,
                    versionStages: version.stages,
                    createdDate: version.created,
                    secretString: version.string,
                    secretBinary: version.binary.map { Data($0) }
                )
            case .putSecretValue, .updateSecret:
                if operation == .updateSecret {
                    if let description = input.description { secret.description = description }
                    if let key = self.keyARN(input.kmsKeyID) { secret.kmsKeyID = key }
                }
                guard var version = try Self.newVersion(input, id: versionID, now: now) else {
                    if operation == .updateSecret { return SecretReference(secret) }
                    throw Self.invalid("You must provide either SecretString or SecretBinary.")
                }
                let stages = input.versionStages ?? ["AWSCURRENT"]
                version.stages = stages
                if stages.contains("AWSCURRENT") {
                    for index in secret.versions.indices {
                        secret.versions[index].stages.removeAll { $0 == "AWSPREVIOUS" }
                        if secret.versions[index].stages.contains("AWSCURRENT") {
                            secret.versions[index].stages =
                                secret.versions[index].stages.filter { $0 != "AWSCURRENT" } + ["AWSPREVIOUS"]
                        }
                    }
                }
                for index in secret.versions.indices {
                    secret.versions[index].stages.removeAll { stages.contains($0) && $0 != "AWSCURRENT" }
                }
                secret.versions.removeAll { $0.stages.isEmpty }
                secret.versions.append(version)
                return SecretReference(secret, versionID: version.id, versionStages: stages)
            case .describeSecret:
                return SecretDescription(secret)
            case .deleteSecret:
                let force = input.forceDeleteWithoutRecovery ?? false
                let window = input.recoveryWindowInDays ?? 30
                if force, input.recoveryWindowInDays != nil {
                    throw Self.invalid(
                        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
                    )
                }
                guard force || (7...30).contains(window) else {
                    throw Self.invalid("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
                }
                let deletion = force ? now : now.addingTimeInterval(TimeInterval(window * 86_400))
                if force {
                    data.secrets[secret.name] = nil
                    secret.deletedDate = now
                    return SecretReference(secret, deletionDate: deletion)
                }
                secret.deletedDate = deletion
                return SecretReference(secret, deletionDate: deletion)
            case .restoreSecret:
                secret.deletedDate = nil
                return SecretReference(secret)
            case .putResourcePolicy:
                guard let policy = input.resourcePolicy else { throw Self.invalid("ResourcePolicy is required.") }
                do throws(MalformedPolicyDocument) { _ = try PolicyDocument.parse(policy, kind: .resource) } catch {
                    throw AWSError(.malformedPolicyDocumentException, error.message)
                }
                secret.resourcePolicy = policy
                return SecretReference(secret)
            case .getResourcePolicy:
                return SecretResourcePolicy(arn: secret.arn, name: secret.name, resourcePolicy: secret.resourcePolicy)
            case .deleteResourcePolicy:
                secret.resourcePolicy = nil
                return SecretReference(secret)
            case .rotateSecret:
                let rules = input.rotationRules
                guard let lambda = input.rotationLambdaARN ?? secret.rotation?.lambdaARN else {
                    throw AWSError(
                        .invalidRequestException,
                        "No Lambda rotation function ARN is associated with this secret. Pass RotationLambdaARN."
                    )
                }
                let days = rules?.automaticallyAfterDays
                if let days, !(1...1000).contains(days) {
                    throw Self.invalid("AutomaticallyAfterDays must be between 1 and 1000.")
                }
                secret.rotation = Secret.Rotation(
                    lambdaARN: lambda,
                    automaticallyAfterDays: days ?? secret.rotation?.automaticallyAfterDays,
                    scheduleExpression: rules?.scheduleExpression ?? secret.rotation?.scheduleExpression,
                    duration: rules?.duration ?? secret.rotation?.duration
                )
                return SecretReference(secret)
            case .cancelRotateSecret:
                secret.rotation = nil
                return SecretReference(secret)
            case .tagResource:
                secret.tags.merge(Self.tags(input.tags), uniquingKeysWith: { _, new in new })
                return EmptyAnswer()
            case .createSecret, .listSecrets:
                return EmptyAnswer()  // answered above
            case .getRandomPassword:
                throw Self.invalid("GetRandomPassword takes password options, not a secret.")
            }
        }
    }

    /// Finds a secret by name, full ARN, or ARN without the random suffix.
    private func find(_ id: String) throws(AWSError) -> Secret {
        let found = self.account.read { data in
            data.secrets[id]
                ?? data.secrets.values.first { $0.arn == id || (id.hasPrefix("arn:") && $0.arn.hasPrefix(id + "-")) }
        }
        guard let found else { throw Self.notFound }
        return found
    }

    private static let notFound = AWSError(
        .resourceNotFoundException,
        "Secrets Manager can't find the specified secret.",
        status: 400
    )

    private static func invalid(_ message: String) -> AWSError { AWSError(.invalidParameterException, message) }

    /// The version GetSecretValue asks for: by VersionId, by VersionStage, or AWSCURRENT.
    private static func version(of secret: Secret, _ input: SecretsManagerInput) throws(AWSError) -> Secret.Version {
        let stage = input.versionStage ?? (input.versionID == nil ? "AWSCURRENT" : nil)
        let version =
            input.versionID.flatMap { id in secret.versions.first { $0.id == id } }
            ?? stage.flatMap { secret.version(stage: $0) }
        guard let version, stage == nil || version.stages.contains(stage!) else {
            throw AWSError(
                .resourceNotFoundException,
                "Secrets Manager can't find the specified secret value for staging label: \(stage ?? "AWSCURRENT")",
                status: 400
            )
        }
        return version
    }

    private static func newVersion(
        _ input: SecretsManagerInput,
        id: String?,
        now: Date
    ) throws(AWSError) -> Secret.Version? {
        let string = input.secretString
        let binary = input.secretBinary.map { Array($0) }
        if string != nil, binary != nil {
            throw Self.invalid(
                "You can't specify both a binary secret value and a string secret value in the same secret."
            )
        }
        guard string != nil || binary != nil else { return nil }
        return Secret.Version(
            id: id ?? UUID().uuidString.lowercased(),
            string: string,
            binary: binary,
            stages: ["AWSCURRENT"],
            created: now
        )
    }

    private static func tags(_ tags: [SecretTag]?) -> [String: String] {
        Dictionary((tags ?? []).map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { _, new in new })
    }
}
