/// IAM's actions (query protocol, `Action=`) that the sandbox serves; any other is InvalidAction.
enum IAMOperation: String, Sendable, CaseIterable {
    case attachRolePolicy = "AttachRolePolicy"
    case createAccessKey = "CreateAccessKey"
    case createPolicy = "CreatePolicy"
    case createRole = "CreateRole"
    case createUser = "CreateUser"
    case deleteRole = "DeleteRole"
    case deleteRolePolicy = "DeleteRolePolicy"
    case detachRolePolicy = "DetachRolePolicy"
    case getPolicy = "GetPolicy"
    case getRole = "GetRole"
    case getRolePolicy = "GetRolePolicy"
    case listAttachedRolePolicies = "ListAttachedRolePolicies"
    case listRoles = "ListRoles"
    case putRolePolicy = "PutRolePolicy"
    case simulatePrincipalPolicy = "SimulatePrincipalPolicy"
    case updateAssumeRolePolicy = "UpdateAssumeRolePolicy"

    /// The IAM action it is authorized as.
    var action: String { "iam:\(self.rawValue)" }
}
