import Foundation

/// STS's requests and results, as its API model names their members.
enum STSShapes {
    struct GetCallerIdentityInput: Decodable {}

    struct GetCallerIdentityResult: Encodable {
        var arn: String
        var userId: String
        var account: String
    }

    /// Every member AWS accepts; the sandbox acts on the role, the session name and the duration.
    struct AssumeRoleInput: Decodable {
        struct PolicyARN: Decodable { var arn: String? }
        struct Tag: Decodable {
            var key: String
            var value: String
        }
        struct ProvidedContext: Decodable {
            var providerArn: String?
            var contextAssertion: String?
        }

        var roleArn: String
        var roleSessionName: String
        var durationSeconds: Int?
        var policy: String?
        var policyArns: [PolicyARN]
        var tags: [Tag]
        var transitiveTagKeys: [String]
        var externalId: String?
        var serialNumber: String?
        var tokenCode: String?
        var sourceIdentity: String?
        var providedContexts: [ProvidedContext]
    }

    struct AssumeRoleResult: Encodable {
        struct Credentials: Encodable {
            var accessKeyId: String
            var secretAccessKey: String
            var sessionToken: String?
            var expiration: Date
        }

        struct AssumedRoleUser: Encodable {
            var assumedRoleId: String
            var arn: String
        }

        var credentials: Credentials
        var assumedRoleUser: AssumedRoleUser
    }
}
