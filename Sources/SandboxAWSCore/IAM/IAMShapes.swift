import Foundation

/// IAM's requests and results, as its API model names their members. Inputs list every member AWS accepts; what
/// the sandbox does not model (paths, tags, permissions boundaries) is accepted and not kept.
enum IAMShapes {
    struct Tag: Decodable {
        var key: String
        var value: String
    }

    struct RoleNameInput: Decodable { var roleName: String }
    struct RolePolicyInput: Decodable {
        var roleName: String
        var policyName: String
    }
    struct AttachedPolicyInput: Decodable {
        var roleName: String
        var policyArn: String
    }
    struct PutRolePolicyInput: Decodable {
        var roleName: String
        var policyName: String
        var policyDocument: String
    }
    struct UpdateAssumeRolePolicyInput: Decodable {
        var roleName: String
        var policyDocument: String
    }
    struct PolicyARNInput: Decodable { var policyArn: String }
    struct ListAttachedRolePoliciesInput: Decodable {
        var roleName: String
        var pathPrefix: String?
        var marker: String?
        var maxItems: Int?
    }
    struct ListRolesInput: Decodable {
        var pathPrefix: String?
        var marker: String?
        var maxItems: Int?
    }
    struct CreateAccessKeyInput: Decodable { var userName: String }

    struct CreateRoleInput: Decodable {
        var roleName: String
        var assumeRolePolicyDocument: String
        var maxSessionDuration: Int?
        var path: String?
        var description: String?
        var permissionsBoundary: String?
        var tags: [Tag]
    }

    struct CreatePolicyInput: Decodable {
        var policyName: String
        var policyDocument: String
        var path: String?
        var description: String?
        var tags: [Tag]
    }

    struct CreateUserInput: Decodable {
        var userName: String
        var path: String?
        var permissionsBoundary: String?
        var tags: [Tag]
    }

    struct SimulatePrincipalPolicyInput: Decodable {
        struct ContextEntry: Decodable {
            var contextKeyName: String
            var contextKeyValues: [String]
            var contextKeyType: String?
        }

        var policySourceArn: String
        var actionNames: [String]
        var resourceArns: [String]
        var policyInputList: [String]
        var permissionsBoundaryPolicyInputList: [String]
        var contextEntries: [ContextEntry]
        var resourcePolicy: String?
        var resourceOwner: String?
        var callerArn: String?
        var resourceHandlingOption: String?
        var maxItems: Int?
        var marker: String?
    }

    struct Role: Encodable {
        var path = "/"
        var roleName: String
        var roleId: String
        var arn: String
        var createDate: Date
        /// URL-encoded, as IAM returns policy documents inside its XML.
        var assumeRolePolicyDocument: String
        var maxSessionDuration: Int

        init(_ role: IAMRole) {
            (self.roleName, self.roleId, self.arn, self.createDate) = (role.name, role.id, role.arn, role.created)
            self.assumeRolePolicyDocument = SigV4URLEncoding.encode(role.trustPolicy)
            self.maxSessionDuration = role.maxSessionDuration
        }
    }

    struct RoleResult: Encodable { var role: Role }
    struct RolesResult: Encodable {
        var roles: [Role]
        var isTruncated = false
    }

    struct Policy: Encodable {
        var policyName: String
        var arn: String
        var defaultVersionId = "v1"
    }
    struct PolicyResult: Encodable { var policy: Policy }

    struct User: Encodable {
        var userName: String
        var userId: String
        var arn: String
        var path = "/"
    }
    struct UserResult: Encodable { var user: User }

    struct AccessKey: Encodable {
        var userName: String
        var accessKeyId: String
        var status = "Active"
        var secretAccessKey: String
    }
    struct AccessKeyResult: Encodable { var accessKey: AccessKey }

    struct RolePolicyResult: Encodable {
        var roleName: String
        var policyName: String
        var policyDocument: String
    }

    struct AttachedPolicy: Encodable {
        var policyName: String?
        var policyArn: String
    }
    struct AttachedPoliciesResult: Encodable {
        var attachedPolicies: [AttachedPolicy]
        var isTruncated = false
    }

    struct EvaluationResult: Encodable {
        struct Statement: Encodable {
            var sourcePolicyId: String
            var sourcePolicyType: String
        }

        var evalActionName: String
        var evalResourceName: String
        var evalDecision: String
        var matchedStatements: [Statement]
        var missingContextValues: [String] = []
    }

    struct EvaluationResults: Encodable {
        var evaluationResults: [EvaluationResult]
        var isTruncated = false
    }

    /// Operations that answer nothing besides their request id.
    struct Empty: Encodable {}
}
