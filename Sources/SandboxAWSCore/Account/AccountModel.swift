import Foundation
import SandboxIAMPolicy
import SandboxRedaction
import SandboxSigV4

/// An IAM user with its policies.
struct IAMUser: Sendable {
    var name: String
    var arn: String
    var id: String
    var inlinePolicies: [String: String] = [:]
    var attachedPolicies: [String] = []
    var created = Date()
}

/// An IAM role: trust policy and permission policies.
struct IAMRole: Sendable {
    var name: String
    var arn: String
    var id: String
    var trustPolicy: String
    var inlinePolicies: [String: String] = [:]
    var attachedPolicies: [String] = []
    var maxSessionDuration = 3600
    var created = Date()
}

/// Who an access key belongs to.
enum KeyOwner: Sendable, Equatable {
    case root
    case user(String)
    /// Temporary credentials from AssumeRole.
    case session(role: String, session: String, expires: Date)
}

struct AccessKey: Sendable {
    var credentials: AWSCredentials
    var owner: KeyOwner
}

/// A Secrets Manager secret with its versions and staging labels.
struct Secret: Sendable {
    struct Version: Sendable {
        var id: String
        var string: String?
        var binary: [UInt8]?
        var stages: [String]
        var created: Date
    }

    var name: String
    var arn: String
    var description: String?
    var kmsKeyID: String?
    var versions: [Version] = []
    var resourcePolicy: String?
    var tags: [String: String] = [:]
    var deletedDate: Date?
    var created = Date()
    /// What RotateSecret recorded (running the function comes with Lambda).
    var rotation: Rotation?

    struct Rotation: Sendable {
        var lambdaARN: String
        var automaticallyAfterDays: Int?
        var scheduleExpression: String?
        var duration: String?
    }

    func version(stage: String) -> Version? { self.versions.first { $0.stages.contains(stage) } }
}

extension Secret.Version: RedactedWhenRendered {
    var renderedFields: KeyValuePairs<String, Any> {
        [
            "id": self.id, "string": Redacted(self.string) as Any, "binary": Redacted(self.binary) as Any,
            "stages": self.stages, "created": self.created,
        ]
    }
}
