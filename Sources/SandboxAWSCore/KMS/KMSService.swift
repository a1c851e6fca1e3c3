import Crypto
import Foundation
import SandboxIAMPolicy

/// KMS (JSON 1.1, `X-Amz-Target: TrentService.<Operation>`): symmetric keys with key policies, aliases,
/// Encrypt/Decrypt. A key's policy must allow each use, directly or by delegating to the account's IAM policies.
struct KMSService: Sendable {
    let account: AccountState
    let authorizer: Authorizer

    func handle(
        _ operation: KMSOperation,
        _ input: KMSInput,
        caller: Caller
    ) throws(AWSError) -> any Encodable & Sendable {
        let action = operation.action
        switch operation {
        case .createKey:
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let id = UUID().uuidString.lowercased()
            let arn = "arn:aws:kms:\(self.account.region):\(self.account.accountID):key/\(id)"
            let policy =
                try input.policy.map { json throws(AWSError) in
                    try self.checkPolicy(
                        json,
                        caller: caller,
                        keyARN: arn,
                        bypass: input.bypassPolicyLockoutSafetyCheck ?? false
                    )
                } ?? KMSKey.defaultPolicy(account: self.account.accountID)
            let key = KMSKey(
                id: id,
                arn: arn,
                description: input.description ?? "",
                policy: policy,
                created: Date(),
                material: SymmetricKey(size: .bits256)
            )
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in data.keys[id] = key }
            return KMSKeyAnswer(keyMetadata: KMSKeyMetadata(key, account: self.account.accountID))
        case .listKeys:
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let keys = self.account.read { $0.keys.values.sorted { $0.created < $1.created } }
            return KMSKeyList(keys: keys.map { .init(keyID: $0.id, keyArn: $0.arn) })
        case .listAliases:
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let aliases = self.account.read { $0.aliases.sorted { $0.key < $1.key } }
            return KMSAliasList(
                aliases: aliases.map {
                    .init(aliasName: $0.key, aliasArn: self.aliasARN($0.key), targetKeyID: $0.value)
                }
            )
        case .decrypt:
            return try self.decrypt(input, caller: caller)
        default:
            break
        }
        let keyReference =
            try operation == .createAlias
            ? Self.required(input.targetKeyID, "TargetKeyId") : Self.required(input.keyID, "KeyId")
        let key = try self.account.kmsKey(keyReference)
        try self.authorizer.authorize(
            caller,
            action: action,
            resource: key.arn,
            resourcePolicy: .keyPolicy(key.policy),
            json: true
        )
        switch operation {
        case .describeKey:
            return KMSKeyAnswer(keyMetadata: KMSKeyMetadata(key, account: self.account.accountID))
        case .getKeyPolicy:
            return KMSKeyPolicy(policy: key.policy)
        case .putKeyPolicy:
            guard (input.policyName ?? "default") == "default" else {
                throw AWSError(
                    .validationException,
                    "PolicyName must be 'default', the only key policy name KMS supports."
                )
            }
            let policy = try self.checkPolicy(
                try Self.required(input.policy, "Policy"),
                caller: caller,
                keyARN: key.arn,
                bypass: input.bypassPolicyLockoutSafetyCheck ?? false
            )
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in
                data.keys[key.id]?.policy = policy
            }
            return EmptyAnswer()
        case .enableKey, .disableKey:
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in
                data.keys[key.id]?.enabled = operation == .enableKey
            }
            return EmptyAnswer()
        case .createAlias:
            let name = try Self.required(input.aliasName, "AliasName")
            guard name.hasPrefix("alias/"), !name.hasPrefix("alias/aws/"), name.count > 6 else {
                throw AWSError(
                    .validationException,
                    "Alias must start with the prefix \"alias/\" and may not use the reserved prefix \"alias/aws/\"."
                )
            }
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in
                guard data.aliases[name] == nil else {
                    throw AWSError(
                        .alreadyExistsException,
                        "An alias with the name \(self.aliasARN(name)) already exists"
                    )
                }
                data.aliases[name] = key.id
            }
            return EmptyAnswer()
        case .encrypt:
            guard key.enabled else { throw Self.disabled(key) }
            guard let plaintext = input.plaintext.flatMap({ Data(base64Encoded: $0) }),
                (1...4096).contains(plaintext.count)
            else {
                throw AWSError(.validationException, "Plaintext must be base64-encoded bytes, 1 to 4096 of them.")
            }
            guard
                let blob = try? KMSCiphertext.seal(Array(plaintext), key: key, context: input.encryptionContext ?? [:])
            else {
                throw AWSError(.kmsInternalException, "Encryption failed.")
            }
            return KMSCryptoAnswer(keyID: key.arn, ciphertextBlob: Data(blob).base64EncodedString())
        case .createKey, .listKeys, .listAliases, .decrypt:
            return EmptyAnswer()  // answered above
        }
    }

    /// Decrypt finds its key in the blob; a KeyId, when given, must be that key.
    private func decrypt(_ input: KMSInput, caller: Caller) throws(AWSError) -> KMSCryptoAnswer {
        let invalid = AWSError(
            .invalidCiphertextException,
            "The ciphertext is invalid, was tampered with, or was made under a different encryption context."
        )
        guard let blob = input.ciphertextBlob.flatMap({ Data(base64Encoded: $0) }).map(Array.init),
            let keyID = KMSCiphertext.keyID(of: blob)
        else { throw invalid }
        let key = try self.account.kmsKey(keyID)
        if let named = input.keyID, try self.account.kmsKey(named).id != key.id {
            throw AWSError(
                .incorrectKeyException,
                "The key ID in the request does not identify a KMS key that can perform this operation."
            )
        }
        try self.authorizer.authorize(
            caller,
            action: "kms:Decrypt",
            resource: key.arn,
            resourcePolicy: .keyPolicy(key.policy),
            json: true
        )
        guard key.enabled else { throw Self.disabled(key) }
        guard let plaintext = try? KMSCiphertext.open(blob, key: key, context: input.encryptionContext ?? [:]) else {
            throw invalid
        }
        return KMSCryptoAnswer(keyID: key.arn, plaintext: Data(plaintext).base64EncodedString())
    }

    /// A key policy must parse, and (unless bypassed) must still let the caller change it: KMS's lockout check.
    private func checkPolicy(_ json: String, caller: Caller, keyARN: String, bypass: Bool) throws(AWSError) -> String {
        do throws(MalformedPolicyDocument) { _ = try PolicyDocument.parse(json, kind: .resource) } catch {
            throw AWSError(.malformedPolicyDocumentException, error.message)
        }
        if !bypass,
            !self.authorizer.evaluate(
                caller,
                action: "kms:PutKeyPolicy",
                resource: keyARN,
                resourcePolicy: .keyPolicy(json)
            ).isAllowed
        {
            throw AWSError(
                .malformedPolicyDocumentException,
                "The new key policy will not allow you to update the key policy in the future. Add a statement "
                    + "allowing \(caller.arn) kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck."
            )
        }
        return json
    }

    private func aliasARN(_ name: String) -> String {
        "arn:aws:kms:\(self.account.region):\(self.account.accountID):\(name)"
    }

    private static func disabled(_ key: KMSKey) -> AWSError { AWSError(.disabledException, "\(key.arn) is disabled.") }

    private static func required(_ value: String?, _ name: String) throws(AWSError) -> String {
        guard let value, !value.isEmpty else {
            throw AWSError(
                .validationException,
                "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' "
                    + "failed to satisfy constraint: Member must not be null"
            )
        }
        return value
    }
}
