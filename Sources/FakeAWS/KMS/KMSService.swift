import Crypto
import Foundation
import IAMPolicy

/// KMS (JSON 1.1, `X-Amz-Target: TrentService.<Operation>`): symmetric keys with key policies, aliases,
/// Encrypt/Decrypt. A key's policy must allow each use, directly or by delegating to the account's IAM policies.
struct KMSService: Sendable {
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ operation: String, _ input: [String: Any], caller: Caller) throws(AWSError) -> [String: Any] {
        let action = "kms:\(operation)"
        switch operation {
        case "CreateKey":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let id = UUID().uuidString.lowercased()
            let arn = "arn:aws:kms:\(self.account.region):\(self.account.accountID):key/\(id)"
            let policy = try (input["Policy"] as? String).map { json throws(AWSError) in
                try self.checkPolicy(json, caller: caller, keyARN: arn, bypass: input["BypassPolicyLockoutSafetyCheck"] as? Bool ?? false)
            } ?? KMSKey.defaultPolicy(account: self.account.accountID)
            let key = KMSKey(id: id, arn: arn, description: input["Description"] as? String ?? "", policy: policy, created: Date(),
                             material: SymmetricKey(size: .bits256))
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in data.keys[id] = key }
            return ["KeyMetadata": key.metadata(account: self.account.accountID)]
        case "ListKeys":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let keys = self.account.read { $0.keys.values.sorted { $0.created < $1.created } }
            return ["Keys": keys.map { ["KeyId": $0.id, "KeyArn": $0.arn] }, "Truncated": false]
        case "ListAliases":
            try self.authorizer.authorize(caller, action: action, resource: "*", json: true)
            let aliases = self.account.read { $0.aliases.sorted { $0.key < $1.key } }
            return ["Aliases": aliases.map { ["AliasName": $0.key, "AliasArn": self.aliasARN($0.key), "TargetKeyId": $0.value] }, "Truncated": false]
        case "Decrypt":
            return try self.decrypt(input, caller: caller)
        default:
            break
        }
        let keyReference = try Self.string(input, operation == "CreateAlias" ? "TargetKeyId" : "KeyId")
        let key = try self.account.kmsKey(keyReference)
        try self.authorizer.authorize(caller, action: action, resource: key.arn, resourcePolicy: .keyPolicy(key.policy), json: true)
        switch operation {
        case "DescribeKey":
            return ["KeyMetadata": key.metadata(account: self.account.accountID)]
        case "GetKeyPolicy":
            return ["Policy": key.policy, "PolicyName": "default"]
        case "PutKeyPolicy":
            guard (input["PolicyName"] as? String ?? "default") == "default" else {
                throw AWSError(.validationException, "PolicyName must be 'default', the only key policy name KMS supports.")
            }
            let policy = try self.checkPolicy(try Self.string(input, "Policy"), caller: caller, keyARN: key.arn,
                                              bypass: input["BypassPolicyLockoutSafetyCheck"] as? Bool ?? false)
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in data.keys[key.id]?.policy = policy }
            return [:]
        case "EnableKey", "DisableKey":
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in data.keys[key.id]?.enabled = operation == "EnableKey" }
            return [:]
        case "CreateAlias":
            let name = try Self.string(input, "AliasName")
            guard name.hasPrefix("alias/"), !name.hasPrefix("alias/aws/"), name.count > 6 else {
                throw AWSError(.validationException, "Alias must start with the prefix \"alias/\" and may not use the reserved prefix \"alias/aws/\".")
            }
            try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in
                guard data.aliases[name] == nil else {
                    throw AWSError(.alreadyExistsException, "An alias with the name \(self.aliasARN(name)) already exists")
                }
                data.aliases[name] = key.id
            }
            return [:]
        case "Encrypt":
            guard key.enabled else { throw Self.disabled(key) }
            guard let plaintext = (input["Plaintext"] as? String).flatMap({ Data(base64Encoded: $0) }), (1...4096).contains(plaintext.count) else {
                throw AWSError(.validationException, "Plaintext must be base64-encoded bytes, 1 to 4096 of them.")
            }
            guard let blob = try? KMSCiphertext.seal(Array(plaintext), key: key, context: Self.context(input)) else {
                throw AWSError(.kmsInternalException, "Encryption failed.")
            }
            return ["CiphertextBlob": Data(blob).base64EncodedString(), "KeyId": key.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"]
        default:
            throw AWSError(.unknownOperationException, "KMS has no operation \(operation) in this sandbox.")
        }
    }

    /// Decrypt finds its key in the blob; a KeyId, when given, must be that key.
    private func decrypt(_ input: [String: Any], caller: Caller) throws(AWSError) -> [String: Any] {
        let invalid = AWSError(.invalidCiphertextException, "The ciphertext is invalid, was tampered with, or was made under a different encryption context.")
        guard let blob = (input["CiphertextBlob"] as? String).flatMap({ Data(base64Encoded: $0) }).map(Array.init),
              let keyID = KMSCiphertext.keyID(of: blob) else { throw invalid }
        let key = try self.account.kmsKey(keyID)
        if let named = input["KeyId"] as? String, try self.account.kmsKey(named).id != key.id {
            throw AWSError(.incorrectKeyException, "The key ID in the request does not identify a KMS key that can perform this operation.")
        }
        try self.authorizer.authorize(caller, action: "kms:Decrypt", resource: key.arn, resourcePolicy: .keyPolicy(key.policy), json: true)
        guard key.enabled else { throw Self.disabled(key) }
        guard let plaintext = try? KMSCiphertext.open(blob, key: key, context: Self.context(input)) else { throw invalid }
        return ["KeyId": key.arn, "Plaintext": Data(plaintext).base64EncodedString(), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"]
    }

    /// A key policy must parse, and (unless bypassed) must still let the caller change it: KMS's lockout check.
    private func checkPolicy(_ json: String, caller: Caller, keyARN: String, bypass: Bool) throws(AWSError) -> String {
        do throws(MalformedPolicyDocument) { _ = try PolicyDocument.parse(json, kind: .resource) } catch {
            throw AWSError(.malformedPolicyDocumentException, error.message)
        }
        if !bypass, !self.authorizer.evaluate(caller, action: "kms:PutKeyPolicy", resource: keyARN, resourcePolicy: .keyPolicy(json)).isAllowed {
            throw AWSError(.malformedPolicyDocumentException, "The new key policy will not allow you to update the key policy in the future. Add a statement allowing \(caller.arn) kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck.")
        }
        return json
    }

    private func aliasARN(_ name: String) -> String { "arn:aws:kms:\(self.account.region):\(self.account.accountID):\(name)" }

    private static func disabled(_ key: KMSKey) -> AWSError { AWSError(.disabledException, "\(key.arn) is disabled.") }

    private static func context(_ input: [String: Any]) -> [String: String] { input["EncryptionContext"] as? [String: String] ?? [:] }

    private static func string(_ input: [String: Any], _ name: String) throws(AWSError) -> String {
        guard let value = input[name] as? String, !value.isEmpty else {
            throw AWSError(.validationException, "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null")
        }
        return value
    }
}
