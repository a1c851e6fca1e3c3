import Foundation
import SandboxIAMPolicy

/// IAM (query protocol, 2010-05-08): roles, users, access keys, inline and managed policies.
struct IAMService: Sendable {
    static let namespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ action: IAMOperation, _ form: QueryForm, caller: Caller) throws(AWSError) -> String {
        typealias Shapes = IAMShapes
        func input<Input: Decodable>(_ type: Input.Type) throws(AWSError) -> Input {
            try form.decode(type, style: .validationError)
        }
        func authorize(_ resource: String) throws(AWSError) {
            try self.authorizer.authorize(caller, action: action.action, resource: resource, json: false)
        }
        let result: any Encodable
        switch action {
        case .simulatePrincipalPolicy:
            let request = try input(Shapes.SimulatePrincipalPolicyInput.self)
            try authorize(request.policySourceArn)
            result = try self.simulate(
                request,
                principal: try self.account.principal(arn: request.policySourceArn),
                authorizer: self.authorizer
            )
        case .createRole:
            let request = try input(Shapes.CreateRoleInput.self)
            try authorize(self.arn("role", request.roleName))
            let role = try self.account.addRole(
                name: request.roleName,
                trustPolicy: request.assumeRolePolicyDocument,
                maxSessionDuration: request.maxSessionDuration ?? 3600
            )
            result = Shapes.RoleResult(role: .init(role))
        case .createPolicy:
            let request = try input(Shapes.CreatePolicyInput.self)
            try authorize(self.arn("policy", request.policyName))
            let arn = try self.account.createManagedPolicy(name: request.policyName, document: request.policyDocument)
            result = Shapes.PolicyResult(policy: .init(policyName: request.policyName, arn: arn))
        case .createUser:
            let request = try input(Shapes.CreateUserInput.self)
            try authorize(self.arn("user", request.userName))
            let user = try self.account.addUser(name: request.userName)
            result = Shapes.UserResult(user: .init(userName: user.name, userId: user.id, arn: user.arn))
        case .createAccessKey:
            let request = try input(Shapes.CreateAccessKeyInput.self)
            try authorize(self.arn("user", request.userName))
            let key = try self.account.createAccessKey(userName: request.userName)
            result = Shapes.AccessKeyResult(
                accessKey: .init(
                    userName: request.userName,
                    accessKeyId: key.accessKeyID,
                    secretAccessKey: key.secretAccessKey
                )
            )
        case .getPolicy:
            let request = try input(Shapes.PolicyARNInput.self)
            try authorize(request.policyArn)
            guard let managed = self.account.read({ $0.managedPolicies[request.policyArn] }) else {
                throw AWSError.noSuchPolicy(request.policyArn)
            }
            result = Shapes.PolicyResult(policy: .init(policyName: managed.name, arn: request.policyArn))
        case .listRoles:
            _ = try input(Shapes.ListRolesInput.self)
            try authorize("*")
            result = Shapes.RolesResult(
                roles: self.account.read { $0.roles.values.sorted { $0.name < $1.name }.map(Shapes.Role.init) }
            )
        case .getRole, .deleteRole, .listAttachedRolePolicies, .updateAssumeRolePolicy, .putRolePolicy, .getRolePolicy,
            .deleteRolePolicy, .attachRolePolicy, .detachRolePolicy:
            result = try self.handleRole(action, form, authorize: authorize)
        }
        return try QueryXMLEncoder.encode(result)
    }

    /// The operations on one existing role: the request read, authorized on the role's ARN, then carried out
    /// under the account's lock.
    private func handleRole(
        _ action: IAMOperation,
        _ form: QueryForm,
        authorize: (String) throws(AWSError) -> Void
    ) throws(AWSError) -> any Encodable {
        typealias Shapes = IAMShapes
        func input<Input: Decodable>(_ type: Input.Type) throws(AWSError) -> Input {
            try form.decode(type, style: .validationError)
        }
        var roleName = ""
        var policyName = ""
        var policyArn = ""
        var document = ""
        switch action {
        case .getRole, .deleteRole: roleName = try input(Shapes.RoleNameInput.self).roleName
        case .listAttachedRolePolicies: roleName = try input(Shapes.ListAttachedRolePoliciesInput.self).roleName
        case .updateAssumeRolePolicy:
            let request = try input(Shapes.UpdateAssumeRolePolicyInput.self)
            (roleName, document) = (request.roleName, request.policyDocument)
        case .putRolePolicy:
            let request = try input(Shapes.PutRolePolicyInput.self)
            (roleName, policyName, document) = (request.roleName, request.policyName, request.policyDocument)
        case .getRolePolicy, .deleteRolePolicy:
            let request = try input(Shapes.RolePolicyInput.self)
            (roleName, policyName) = (request.roleName, request.policyName)
        default:  // AttachRolePolicy, DetachRolePolicy
            let request = try input(Shapes.AttachedPolicyInput.self)
            (roleName, policyArn) = (request.roleName, request.policyArn)
        }
        try authorize(self.arn("role", roleName))
        if action == .updateAssumeRolePolicy { _ = try Self.parse(document, kind: .trust) }
        if action == .putRolePolicy { _ = try Self.parse(document, kind: .identity) }
        return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> any Encodable in
            guard let role = data.roles[roleName] else { throw AWSError.noSuchRole(roleName) }
            switch action {
            case .getRole:
                return Shapes.RoleResult(role: .init(role))
            case .deleteRole:
                guard role.inlinePolicies.isEmpty, role.attachedPolicies.isEmpty else {
                    throw AWSError(.deleteConflict, "Cannot delete entity, must delete policies first.")
                }
                data.roles[roleName] = nil
            case .updateAssumeRolePolicy:
                data.roles[roleName]?.trustPolicy = document
            case .putRolePolicy:
                data.roles[roleName]?.inlinePolicies[policyName] = document
            case .getRolePolicy:
                guard let document = role.inlinePolicies[policyName] else {
                    throw AWSError.noSuchRolePolicy(policyName)
                }
                return Shapes.RolePolicyResult(
                    roleName: roleName,
                    policyName: policyName,
                    policyDocument: SigV4URLEncoding.encode(document)
                )
            case .deleteRolePolicy:
                guard data.roles[roleName]?.inlinePolicies.removeValue(forKey: policyName) != nil else {
                    throw AWSError.noSuchRolePolicy(policyName)
                }
            case .listAttachedRolePolicies:
                return Shapes.AttachedPoliciesResult(
                    attachedPolicies: role.attachedPolicies.map { arn in
                        Shapes.AttachedPolicy(policyName: data.managedPolicies[arn]?.name, policyArn: arn)
                    }
                )
            default:  // AttachRolePolicy, DetachRolePolicy
                guard data.managedPolicies[policyArn] != nil else { throw AWSError.noSuchPolicy(policyArn) }
                data.roles[roleName]?.attachedPolicies.removeAll { $0 == policyArn }
                if action == .attachRolePolicy { data.roles[roleName]?.attachedPolicies.append(policyArn) }
            }
            return Shapes.Empty()
        }
    }

    private func arn(_ kind: String, _ name: String) -> String {
        "arn:aws:iam::\(self.account.accountID):\(kind)/\(name)"
    }
}

/// IAM returns policy documents URL-encoded inside its XML.
enum SigV4URLEncoding {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
            )
        ) ?? text
    }
}
