import Foundation
import SandboxIAMPolicy

/// IAM (query protocol, 2010-05-08): roles, users, access keys, inline and managed policies.
struct IAMService: Sendable {
    static let namespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ action: IAMOperation, _ form: [String: String], caller: Caller) throws(AWSError) -> String {
        let arnOf = { (kind: String, name: String) in "arn:aws:iam::\(self.account.accountID):\(kind)/\(name)" }
        func need(_ key: String) throws(AWSError) -> String {
            guard let value = form[key], !value.isEmpty else { throw .missingParameter(key) }
            return value
        }
        func policy(_ key: String, kind: PolicyDocument.Kind) throws(AWSError) -> String {
            let json = try need(key)
            _ = try Self.parse(json, kind: kind)
            return json
        }
        let resource: String
        switch action {
        case .createRole, .getRole, .deleteRole, .updateAssumeRolePolicy, .putRolePolicy, .getRolePolicy, .deleteRolePolicy,
             .attachRolePolicy, .detachRolePolicy, .listAttachedRolePolicies:
            resource = arnOf("role", try need("RoleName"))
        case .createUser, .createAccessKey:
            resource = arnOf("user", form["UserName"] ?? "")
        case .createPolicy: resource = arnOf("policy", try need("PolicyName"))
        case .getPolicy: resource = try need("PolicyArn")
        case .listRoles: resource = "*"
        case .simulatePrincipalPolicy: resource = try need("PolicySourceArn")
        }
        try self.authorizer.authorize(caller, action: action.action, resource: resource, json: false)
        switch action {
        case .simulatePrincipalPolicy:
            return try self.simulate(form, principal: try self.account.principal(arn: resource), authorizer: self.authorizer)
        case .createRole:
            let role = try self.account.addRole(name: try need("RoleName"), trustPolicy: try need("AssumeRolePolicyDocument"),
                                                maxSessionDuration: Int(form["MaxSessionDuration"] ?? "3600") ?? 3600)
            return "<Role>\(Self.roleXML(role))</Role>"
        case .createPolicy:
            let name = try need("PolicyName")
            let arn = try self.account.createManagedPolicy(name: name, document: try need("PolicyDocument"))
            return "<Policy>" + XML.element("PolicyName", name) + XML.element("Arn", arn) + XML.element("DefaultVersionId", "v1") + "</Policy>"
        case .createUser:
            let user = try self.account.addUser(name: try need("UserName"))
            return "<User>" + XML.element("UserName", user.name) + XML.element("UserId", user.id) + XML.element("Arn", user.arn) + XML.element("Path", "/") + "</User>"
        case .createAccessKey:
            let name = try need("UserName")
            let key = try self.account.createAccessKey(userName: name)
            return "<AccessKey>" + XML.element("UserName", name) + XML.element("AccessKeyId", key.accessKeyID)
                + XML.element("Status", "Active") + XML.element("SecretAccessKey", key.secretAccessKey) + "</AccessKey>"
        default:
            break
        }

        return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> String in
            func role(_ name: String) throws(AWSError) -> IAMRole {
                guard let role = data.roles[name] else { throw AWSError.noSuchRole(name) }
                return role
            }
            switch action {
            case .getRole: return "<Role>\(Self.roleXML(try role(try need("RoleName"))))</Role>"
            case .deleteRole:
                let name = try need("RoleName")
                let existing = try role(name)
                guard existing.inlinePolicies.isEmpty, existing.attachedPolicies.isEmpty else {
                    throw AWSError(.deleteConflict, "Cannot delete entity, must delete policies first.")
                }
                data.roles[name] = nil
                return ""
            case .listRoles:
                return "<Roles>" + data.roles.values.sorted { $0.name < $1.name }.map { "<member>\(Self.roleXML($0))</member>" }.joined() + "</Roles><IsTruncated>false</IsTruncated>"
            case .updateAssumeRolePolicy:
                let name = try need("RoleName")
                _ = try role(name)
                data.roles[name]?.trustPolicy = try policy("PolicyDocument", kind: .trust)
                return ""
            case .putRolePolicy:
                let name = try need("RoleName")
                _ = try role(name)
                data.roles[name]?.inlinePolicies[try need("PolicyName")] = try policy("PolicyDocument", kind: .identity)
                return ""
            case .getRolePolicy:
                let name = try need("RoleName"), policyName = try need("PolicyName")
                guard let document = try role(name).inlinePolicies[policyName] else {
                    throw AWSError.noSuchRolePolicy(policyName)
                }
                return XML.element("RoleName", name) + XML.element("PolicyName", policyName)
                    + XML.element("PolicyDocument", SigV4URLEncoding.encode(document))
            case .deleteRolePolicy:
                let name = try need("RoleName"), policyName = try need("PolicyName")
                _ = try role(name)
                guard data.roles[name]?.inlinePolicies.removeValue(forKey: policyName) != nil else {
                    throw AWSError.noSuchRolePolicy(policyName)
                }
                return ""
            case .getPolicy:
                let arn = try need("PolicyArn")
                guard let managed = data.managedPolicies[arn] else { throw AWSError.noSuchPolicy(arn) }
                return "<Policy>" + XML.element("PolicyName", managed.name) + XML.element("Arn", arn) + XML.element("DefaultVersionId", "v1") + "</Policy>"
            case .attachRolePolicy, .detachRolePolicy:
                let name = try need("RoleName"), arn = try need("PolicyArn")
                _ = try role(name)
                guard data.managedPolicies[arn] != nil else { throw AWSError.noSuchPolicy(arn) }
                data.roles[name]?.attachedPolicies.removeAll { $0 == arn }
                if action == .attachRolePolicy { data.roles[name]?.attachedPolicies.append(arn) }
                return ""
            case .listAttachedRolePolicies:
                let attached = try role(try need("RoleName")).attachedPolicies
                return "<AttachedPolicies>" + attached.map { arn in
                    "<member>" + XML.element("PolicyName", data.managedPolicies[arn]?.name) + XML.element("PolicyArn", arn) + "</member>"
                }.joined() + "</AttachedPolicies><IsTruncated>false</IsTruncated>"
            default:
                throw AWSError.invalidAction(action.rawValue, service: "iam")
            }
        }
    }

    private static func roleXML(_ role: IAMRole) -> String {
        XML.element("Path", "/") + XML.element("RoleName", role.name) + XML.element("RoleId", role.id) + XML.element("Arn", role.arn)
            + XML.element("CreateDate", ISO8601DateFormatter().string(from: role.created))
            + XML.element("AssumeRolePolicyDocument", SigV4URLEncoding.encode(role.trustPolicy))
            + XML.element("MaxSessionDuration", String(role.maxSessionDuration))
    }
}

/// IAM returns policy documents URL-encoded inside its XML.
enum SigV4URLEncoding {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
