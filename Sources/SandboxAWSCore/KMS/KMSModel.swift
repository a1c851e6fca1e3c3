import Foundation

/// KMS's operations (`X-Amz-Target: TrentService.<Operation>`) that the sandbox serves.
enum KMSOperation: String, Sendable, CaseIterable {
    case createKey = "CreateKey"
    case listKeys = "ListKeys"
    case listAliases = "ListAliases"
    case describeKey = "DescribeKey"
    case getKeyPolicy = "GetKeyPolicy"
    case putKeyPolicy = "PutKeyPolicy"
    case enableKey = "EnableKey"
    case disableKey = "DisableKey"
    case createAlias = "CreateAlias"
    case encrypt = "Encrypt"
    case decrypt = "Decrypt"

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
        case keyID = "KeyId"
        case targetKeyID = "TargetKeyId"
        case aliasName = "AliasName"
        case description = "Description"
        case policy = "Policy"
        case policyName = "PolicyName"
        case bypassPolicyLockoutSafetyCheck = "BypassPolicyLockoutSafetyCheck"
        case plaintext = "Plaintext"
        case ciphertextBlob = "CiphertextBlob"
        case encryptionContext = "EncryptionContext"
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
        case awsAccountID = "AWSAccountId"
        case keyID = "KeyId"
        case arn = "Arn"
        case creationDate = "CreationDate"
        case enabled = "Enabled"
        case description = "Description"
        case keyUsage = "KeyUsage"
        case keyState = "KeyState"
        case origin = "Origin"
        case keyManager = "KeyManager"
        case customerMasterKeySpec = "CustomerMasterKeySpec"
        case keySpec = "KeySpec"
        case encryptionAlgorithms = "EncryptionAlgorithms"
        case multiRegion = "MultiRegion"
    }

    init(_ key: KMSKey, account: String) {
        (self.awsAccountID, self.keyID, self.arn, self.creationDate) = (account, key.id, key.arn, key.created)
        (self.enabled, self.description, self.keyState) = (
            key.enabled, key.description, key.enabled ? "Enabled" : "Disabled"
        )
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

        enum CodingKeys: String, CodingKey {
            case keyID = "KeyId"
            case keyArn = "KeyArn"
        }
    }

    var keys: [Entry]
    var truncated = false

    enum CodingKeys: String, CodingKey {
        case keys = "Keys"
        case truncated = "Truncated"
    }
}

struct KMSAliasList: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var aliasName: String
        var aliasArn: String
        var targetKeyID: String

        enum CodingKeys: String, CodingKey {
            case aliasName = "AliasName"
            case aliasArn = "AliasArn"
            case targetKeyID = "TargetKeyId"
        }
    }

    var aliases: [Entry]
    var truncated = false

    enum CodingKeys: String, CodingKey {
        case aliases = "Aliases"
        case truncated = "Truncated"
    }
}

struct KMSKeyPolicy: Encodable, Sendable {
    var policy: String
    var policyName = "default"

    enum CodingKeys: String, CodingKey {
        case policy = "Policy"
        case policyName = "PolicyName"
    }
}

/// Encrypt's and Decrypt's answers: the key, and the blob or the plaintext (base64).
struct KMSCryptoAnswer: Encodable, Sendable {
    var keyID: String
    var ciphertextBlob: String?
    var plaintext: String?
    var encryptionAlgorithm = "SYMMETRIC_DEFAULT"

    enum CodingKeys: String, CodingKey {
        case keyID = "KeyId"
        case ciphertextBlob = "CiphertextBlob"
        case plaintext = "Plaintext"
        case encryptionAlgorithm = "EncryptionAlgorithm"
    }
}
