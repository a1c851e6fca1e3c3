import Foundation
import SandboxRedaction

/// Secrets Manager's operations (`X-Amz-Target: secretsmanager.<Operation>`).
enum SecretsManagerOperation: String, Sendable, CaseIterable {
    case createSecret = "CreateSecret"
    case getRandomPassword = "GetRandomPassword"
    case listSecrets = "ListSecrets"
    case getSecretValue = "GetSecretValue"
    case putSecretValue = "PutSecretValue"
    case updateSecret = "UpdateSecret"
    case describeSecret = "DescribeSecret"
    case deleteSecret = "DeleteSecret"
    case restoreSecret = "RestoreSecret"
    case putResourcePolicy = "PutResourcePolicy"
    case getResourcePolicy = "GetResourcePolicy"
    case deleteResourcePolicy = "DeleteResourcePolicy"
    case rotateSecret = "RotateSecret"
    case cancelRotateSecret = "CancelRotateSecret"
    case tagResource = "TagResource"

    /// The IAM action it is authorized as.
    var action: String { "secretsmanager:\(self.rawValue)" }

    /// Operations on a secret marked for deletion that still work.
    var worksOnDeletedSecrets: Bool { [.describeSecret, .restoreSecret, .deleteSecret].contains(self) }
}

/// The request members of Secrets Manager's operations (each reads its own), decoded from the JSON body.
struct SecretsManagerInput: Decodable, Sendable {
    var name: String?
    var secretID: String?
    var clientRequestToken: String?
    var kmsKeyID: String?
    var description: String?
    var secretString: String?
    /// Base64 in the request.
    var secretBinary: Data?
    var tags: [SecretTag]?
    var versionID: String?
    var versionStage: String?
    var versionStages: [String]?
    var forceDeleteWithoutRecovery: Bool?
    var recoveryWindowInDays: Int?
    var resourcePolicy: String?
    var rotationLambdaARN: String?
    var rotationRules: SecretRotationRules?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case secretID = "SecretId"
        case clientRequestToken = "ClientRequestToken"
        case kmsKeyID = "KmsKeyId"
        case description = "Description"
        case secretString = "SecretString"
        case secretBinary = "SecretBinary"
        case tags = "Tags"
        case versionID = "VersionId"
        case versionStage = "VersionStage"
        case versionStages = "VersionStages"
        case forceDeleteWithoutRecovery = "ForceDeleteWithoutRecovery"
        case recoveryWindowInDays = "RecoveryWindowInDays"
        case resourcePolicy = "ResourcePolicy"
        case rotationLambdaARN = "RotationLambdaARN"
        case rotationRules = "RotationRules"
    }

    /// Whether it carries a secret value (string or binary).
    var carriesValue: Bool { self.secretString != nil || self.secretBinary != nil }
}

struct SecretTag: Codable, Sendable {
    var key: String
    var value: String?

    enum CodingKeys: String, CodingKey {
        case key = "Key"
        case value = "Value"
    }
}

struct SecretRotationRules: Codable, Sendable {
    var automaticallyAfterDays: Int?
    var scheduleExpression: String?
    var duration: String?

    enum CodingKeys: String, CodingKey {
        case automaticallyAfterDays = "AutomaticallyAfterDays"
        case scheduleExpression = "ScheduleExpression"
        case duration = "Duration"
    }
}

/// What most operations answer: the secret, and the version or deletion date the operation made.
struct SecretReference: Encodable, Sendable {
    var arn: String
    var name: String
    var versionID: String?
    var versionStages: [String]?
    var deletionDate: Date?

    enum CodingKeys: String, CodingKey {
        case arn = "ARN"
        case name = "Name"
        case versionID = "VersionId"
        case versionStages = "VersionStages"
        case deletionDate = "DeletionDate"
    }

    init(_ secret: Secret, versionID: String? = nil, versionStages: [String]? = nil, deletionDate: Date? = nil) {
        (self.arn, self.name, self.versionID, self.versionStages, self.deletionDate) = (
            secret.arn, secret.name, versionID, versionStages, deletionDate
        )
    }
}

/// GetSecretValue's answer.
struct SecretValue: Encodable, Sendable {
    var arn: String
    var name: String
    var versionID: String
    var versionStages: [String]
    var createdDate: Date
    var secretString: String?
    var secretBinary: Data?

    enum CodingKeys: String, CodingKey {
        case arn = "ARN"
        case name = "Name"
        case versionID = "VersionId"
        case versionStages = "VersionStages"
        case createdDate = "CreatedDate"
        case secretString = "SecretString"
        case secretBinary = "SecretBinary"
    }
}

/// DescribeSecret's answer, and each entry of ListSecrets'.
struct SecretDescription: Encodable, Sendable {
    var arn: String
    var name: String
    var description: String?
    var kmsKeyID: String?
    var createdDate: Date
    var deletedDate: Date?
    var rotationEnabled: Bool
    var rotationLambdaARN: String?
    var rotationRules: SecretRotationRules?
    var versionIDsToStages: [String: [String]]
    var tags: [SecretTag]

    enum CodingKeys: String, CodingKey {
        case arn = "ARN"
        case name = "Name"
        case description = "Description"
        case kmsKeyID = "KmsKeyId"
        case createdDate = "CreatedDate"
        case deletedDate = "DeletedDate"
        case rotationEnabled = "RotationEnabled"
        case rotationLambdaARN = "RotationLambdaARN"
        case rotationRules = "RotationRules"
        case versionIDsToStages = "VersionIdsToStages"
        case tags = "Tags"
    }

    init(_ secret: Secret) {
        self.arn = secret.arn
        self.name = secret.name
        self.description = secret.description
        self.kmsKeyID = secret.kmsKeyID
        self.createdDate = secret.created
        self.deletedDate = secret.deletedDate
        self.rotationEnabled = secret.rotation != nil
        self.rotationLambdaARN = secret.rotation?.lambdaARN
        self.rotationRules = secret.rotation.map {
            SecretRotationRules(
                automaticallyAfterDays: $0.automaticallyAfterDays,
                scheduleExpression: $0.scheduleExpression,
                duration: $0.duration
            )
        }
        self.versionIDsToStages = Dictionary(
            secret.versions.map { ($0.id, $0.stages) },
            uniquingKeysWith: { first, _ in first }
        )
        self.tags = secret.tags.sorted { $0.key < $1.key }.map { SecretTag(key: $0.key, value: $0.value) }
    }
}

struct SecretList: Encodable, Sendable {
    var secretList: [SecretDescription]

    enum CodingKeys: String, CodingKey { case secretList = "SecretList" }
}

struct RandomPassword: Encodable, Sendable {
    var randomPassword: String

    enum CodingKeys: String, CodingKey { case randomPassword = "RandomPassword" }
}

struct SecretResourcePolicy: Encodable, Sendable {
    var arn: String
    var name: String
    var resourcePolicy: String?

    enum CodingKeys: String, CodingKey {
        case arn = "ARN"
        case name = "Name"
        case resourcePolicy = "ResourcePolicy"
    }
}

extension SecretsManagerInput: RedactedWhenRendered {
    var renderedFields: KeyValuePairs<String, Any> {
        [
            "name": self.name as Any, "secretID": self.secretID as Any, "versionID": self.versionID as Any,
            "secretString": Redacted(self.secretString) as Any, "secretBinary": Redacted(self.secretBinary) as Any,
        ]
    }
}

extension SecretValue: RedactedWhenRendered {
    var renderedFields: KeyValuePairs<String, Any> {
        [
            "arn": self.arn, "versionID": self.versionID, "versionStages": self.versionStages,
            "secretString": Redacted(self.secretString) as Any, "secretBinary": Redacted(self.secretBinary) as Any,
        ]
    }
}
