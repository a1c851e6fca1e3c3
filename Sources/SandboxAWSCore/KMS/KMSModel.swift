import Foundation

/// KMS's operations (`X-Amz-Target: TrentService.<Operation>`) that the sandbox serves.
enum KMSOperation: String, Sendable, CaseIterable {
    case createKey = "CreateKey", listKeys = "ListKeys", listAliases = "ListAliases", describeKey = "DescribeKey"
    case getKeyPolicy = "GetKeyPolicy", putKeyPolicy = "PutKeyPolicy", enableKey = "EnableKey", disableKey = "DisableKey"
    case createAlias = "CreateAlias", encrypt = "Encrypt", decrypt = "Decrypt"

    /// The IAM action it is authorized as.
    var action: String { "kms:\(self.rawValue)" }
}

/// The request members of KMS's operations (each reads its own), decoded from the JSON body.
struct KMSInput: Decodable, Sendable {
    var keyID: String?
    var targetKeyID: String?
    var aliasName: String?
    var description: String?
    var policy: String?
    var policyName: String?
    var bypassPolicyLockoutSafetyCheck: Bool?
    /// Base64, checked by the operation (a bad one is a ValidationException or InvalidCiphertextException, as in KMS).
    var plaintext: String?
    var ciphertextBlob: String?
    var encryptionContext: [String: String]?

    enum CodingKeys: String, CodingKey {
        case keyID = "KeyId", targetKeyID = "TargetKeyId", aliasName = "AliasName", description = "Description", policy = "Policy"
        case policyName = "PolicyName", bypassPolicyLockoutSafetyCheck = "BypassPolicyLockoutSafetyCheck", plaintext = "Plaintext"
        case ciphertextBlob = "CiphertextBlob", encryptionContext = "EncryptionContext"
    }
}

/// DescribeKey's and CreateKey's KeyMetadata.
struct KMSKeyMetadata: Encodable, Sendable {
    var awsAccountID: String
    var keyID: String
    var arn: String
    var creationDate: Date
    var enabled: Bool
    var description: String
    var keyUsage = "ENCRYPT_DECRYPT"
    var keyState: String
    var origin = "AWS_KMS"
    var keyManager = "CUSTOMER"
    var customerMasterKeySpec = "SYMMETRIC_DEFAULT"
    var keySpec = "SYMMETRIC_DEFAULT"
    var encryptionAlgorithms = ["SYMMETRIC_DEFAULT"]
    var multiRegion = false

    enum CodingKeys: String, CodingKey {
        case awsAccountID = "AWSAccountId", keyID = "KeyId", arn = "Arn", creationDate = "CreationDate", enabled = "Enabled"
        case description = "Description", keyUsage = "KeyUsage", keyState = "KeyState", origin = "Origin", keyManager = "KeyManager"
        case customerMasterKeySpec = "CustomerMasterKeySpec", keySpec = "KeySpec", encryptionAlgorithms = "EncryptionAlgorithms"
        case multiRegion = "MultiRegion"
    }

    init(_ key: KMSKey, account: String) {
        (self.awsAccountID, self.keyID, self.arn, self.creationDate) = (account, key.id, key.arn, key.created)
        (self.enabled, self.description, self.keyState) = (key.enabled, key.description, key.enabled ? "Enabled" : "Disabled")
    }
}

struct KMSKeyAnswer: Encodable, Sendable {
    var keyMetadata: KMSKeyMetadata

    enum CodingKeys: String, CodingKey { case keyMetadata = "KeyMetadata" }
}

struct KMSKeyList: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var keyID: String
        var keyArn: String

        enum CodingKeys: String, CodingKey { case keyID = "KeyId", keyArn = "KeyArn" }
    }

    var keys: [Entry]
    var truncated = false

    enum CodingKeys: String, CodingKey { case keys = "Keys", truncated = "Truncated" }
}

struct KMSAliasList: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var aliasName: String
        var aliasArn: String
        var targetKeyID: String

        enum CodingKeys: String, CodingKey { case aliasName = "AliasName", aliasArn = "AliasArn", targetKeyID = "TargetKeyId" }
    }

    var aliases: [Entry]
    var truncated = false

    enum CodingKeys: String, CodingKey { case aliases = "Aliases", truncated = "Truncated" }
}

struct KMSKeyPolicy: Encodable, Sendable {
    var policy: String
    var policyName = "default"

    enum CodingKeys: String, CodingKey { case policy = "Policy", policyName = "PolicyName" }
}

/// Encrypt's and Decrypt's answers: the key, and the blob or the plaintext (base64).
struct KMSCryptoAnswer: Encodable, Sendable {
    var keyID: String
    var ciphertextBlob: String?
    var plaintext: String?
    var encryptionAlgorithm = "SYMMETRIC_DEFAULT"

    enum CodingKeys: String, CodingKey {
        case keyID = "KeyId", ciphertextBlob = "CiphertextBlob", plaintext = "Plaintext", encryptionAlgorithm = "EncryptionAlgorithm"
    }
}
