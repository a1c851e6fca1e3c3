/// IAM's actions (query protocol, `Action=`) that the sandbox serves; any other is InvalidAction.
enum IAMOperation: String, Sendable, CaseIterable {
    case attachRolePolicy = "AttachRolePolicy", createAccessKey = "CreateAccessKey"
    case createPolicy = "CreatePolicy", createRole = "CreateRole", createUser = "CreateUser"
    case deleteRole = "DeleteRole", deleteRolePolicy = "DeleteRolePolicy"
    case detachRolePolicy = "DetachRolePolicy", getPolicy = "GetPolicy", getRole = "GetRole"
    case getRolePolicy = "GetRolePolicy", listAttachedRolePolicies = "ListAttachedRolePolicies"
    case listRoles = "ListRoles", putRolePolicy = "PutRolePolicy"
    case simulatePrincipalPolicy = "SimulatePrincipalPolicy"
    case updateAssumeRolePolicy = "UpdateAssumeRolePolicy"

    /// The IAM action it is authorized as.
    var action: String { "iam:\(self.rawValue)" }
}
