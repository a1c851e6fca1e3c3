import Crypto
import Foundation
import Logging
import SandboxAudit
import SandboxIAMPolicy
import SandboxSigV4

/// Creating resources directly, as the sandbox does from its topology (the way CloudFormation would, with the
/// same validation as the API and no caller to authorize).
extension AccountState {
    public func managedPolicyARN(_ name: String) -> String { "arn:aws:iam::\(self.accountID):policy/\(name)" }

    /// Creates a managed policy; returns its ARN.
    @discardableResult
    public func createManagedPolicy(name: String, document: String) throws(AWSError) -> String {
        _ = try IAMService.parse(document, kind: .identity)
        let arn = self.managedPolicyARN(name)
        try self.withState { (data: inout Data) throws(AWSError) in
            guard data.managedPolicies[arn] == nil else {
                throw AWSError(
                    .entityAlreadyExists,
                    "A policy called \(name) already exists. Duplicate names are not allowed."
                )
            }
            data.managedPolicies[arn] = (name, document)
        }
        return arn
    }

    /// Creates a user with inline and managed (by name) policies and one access key; returns the key.
    public func createUser(
        name: String,
        inlinePolicies: [String: String] = [:],
        managedPolicies: [String] = []
    ) throws(AWSError) -> AWSCredentials {
        try self.addUser(name: name, inlinePolicies: inlinePolicies, managedPolicies: managedPolicies)
        return try self.createAccessKey(userName: name)
    }

    @discardableResult
    func addUser(
        name: String,
        inlinePolicies: [String: String] = [:],
        managedPolicies: [String] = []
    ) throws(AWSError) -> IAMUser {
        for document in inlinePolicies.values { _ = try IAMService.parse(document, kind: .identity) }
        return try self.withState { (data: inout Data) throws(AWSError) -> IAMUser in
            guard data.users[name] == nil else {
                throw AWSError(.entityAlreadyExists, "User with name \(name) already exists.")
            }
            var user = IAMUser(
                name: name,
                arn: "arn:aws:iam::\(self.accountID):user/\(name)",
                id: IDs.uniqueID(prefix: "AIDA")
            )
            user.inlinePolicies = inlinePolicies
            user.attachedPolicies = try self.attachable(managedPolicies, data: data)
            data.users[name] = user
            return user
        }
    }

    func createAccessKey(userName: String) throws(AWSError) -> AWSCredentials {
        let credentials = AWSCredentials(accessKeyID: IDs.accessKeyID(prefix: "AKIA"), secretAccessKey: IDs.secret())
        try self.withState { (data: inout Data) throws(AWSError) in
            guard data.users[userName] != nil else {
                throw AWSError(.noSuchEntity, "The user with name \(userName) cannot be found.")
            }
            data.accessKeys[credentials.accessKeyID] = AccessKey(credentials: credentials, owner: .user(userName))
        }
        return credentials
    }

    /// Creates a role; returns its ARN.
    @discardableResult
    public func createRole(
        name: String,
        trustPolicy: String,
        inlinePolicies: [String: String] = [:],
        managedPolicies: [String] = [],
        maxSessionDuration: Int = 3600
    ) throws(AWSError) -> String {
        try self.addRole(
            name: name,
            trustPolicy: trustPolicy,
            inlinePolicies: inlinePolicies,
            managedPolicies: managedPolicies,
            maxSessionDuration: maxSessionDuration
        ).arn
    }

    func addRole(
        name: String,
        trustPolicy: String,
        inlinePolicies: [String: String] = [:],
        managedPolicies: [String] = [],
        maxSessionDuration: Int = 3600
    ) throws(AWSError) -> IAMRole {
        _ = try IAMService.parse(trustPolicy, kind: .trust)
        for document in inlinePolicies.values { _ = try IAMService.parse(document, kind: .identity) }
        return try self.withState { (data: inout Data) throws(AWSError) -> IAMRole in
            guard data.roles[name] == nil else {
                throw AWSError(.entityAlreadyExists, "Role with name \(name) already exists.")
            }
            var role = IAMRole(
                name: name,
                arn: "arn:aws:iam::\(self.accountID):role/\(name)",
                id: IDs.uniqueID(prefix: "AROA"),
                trustPolicy: trustPolicy,
                maxSessionDuration: maxSessionDuration
            )
            role.inlinePolicies = inlinePolicies
            role.attachedPolicies = try self.attachable(managedPolicies, data: data)
            data.roles[name] = role
            return role
        }
    }

    /// Creates a symmetric KMS key (with the default key policy unless one is given) and its alias; returns its ARN.
    @discardableResult
    public func createKey(
        alias: String?,
        description: String = "",
        policy: String? = nil,
        id: String? = nil
    ) throws(AWSError) -> String {
        if let policy { _ = try IAMService.parse(policy, kind: .resource) }
        let id = id ?? UUID().uuidString.lowercased()
        let key = KMSKey(
            id: id,
            arn: "arn:aws:kms:\(self.region):\(self.accountID):key/\(id)",
            description: description,
            policy: policy ?? KMSKey.defaultPolicy(account: self.accountID),
            created: Date(),
            material: SymmetricKey(size: .bits256)
        )
        try self.withState { (data: inout Data) throws(AWSError) in
            if let alias {
                let name = alias.hasPrefix("alias/") ? alias : "alias/\(alias)"
                guard data.aliases[name] == nil else {
                    throw AWSError(.alreadyExistsException, "An alias with the name \(name) already exists")
                }
                data.aliases[name] = id
            }
            data.keys[id] = key
        }
        return key.arn
    }

    /// Creates a secret holding `value` as its AWSCURRENT version; returns its ARN.
    @discardableResult
    public func createSecret(
        name: String,
        value: String,
        kmsKey: String? = nil,
        description: String? = nil,
        resourcePolicy: String? = nil,
        arnSuffix: String? = nil
    ) throws(AWSError) -> String {
        if let resourcePolicy { _ = try IAMService.parse(resourcePolicy, kind: .resource) }
        let keyARN = try kmsKey.map { reference throws(AWSError) in try self.kmsKey(reference).arn }
        let arn = "arn:aws:secretsmanager:\(self.region):\(self.accountID):secret:\(name)-\(arnSuffix ?? IDs.suffix(6))"
        try self.withState { (data: inout Data) throws(AWSError) in
            guard data.secrets[name] == nil else {
                throw AWSError.secretExists(name)
            }
            var secret = Secret(name: name, arn: arn, description: description, kmsKeyID: keyARN)
            secret.resourcePolicy = resourcePolicy
            secret.versions = [
                Secret.Version(
                    id: UUID().uuidString.lowercased(),
                    string: value,
                    stages: ["AWSCURRENT"],
                    created: Date()
                )
            ]
            data.secrets[name] = secret
        }
        return arn
    }

    /// Stores a new AWSCURRENT version of a secret (what a rotation does; the old one becomes AWSPREVIOUS), as the
    /// account's root through PutSecretValue itself; returns the version id.
    @discardableResult
    public func putSecretValue(_ secretID: String, value: String) throws(AWSError) -> String {
        let root = try self.caller(accessKeyID: self.rootCredentials.accessKeyID)
        let output = try SecretsManagerService(
            account: self,
            authorizer: Authorizer(logger: SandboxLogging.defaultLogger(label: "cloudsandbox.aws"))
        )
        .handle(
            .putSecretValue,
            SecretsManagerInput(secretID: secretID, secretString: value),
            caller: root,
            now: Date()
        )
        return (output as? SecretReference)?.versionID ?? ""
    }

    /// Makes a DB instance visible to DescribeDBInstances and registrable as a proxy target.
    public func registerDBInstance(_ record: DBInstanceRecord) {
        try? self.withState { (data: inout Data) throws(AWSError) in data.dbInstances[record.identifier] = record }
    }

    /// Session credentials for a role, as a service acting as that role receives them (no trust check).
    public func sessionCredentials(
        role: String,
        session: String,
        now: Date = Date()
    ) throws(AWSError) -> (credentials: AWSCredentials, expires: Date) {
        let duration = self.read { $0.roles[role]?.maxSessionDuration } ?? 3600
        return try self.issueSession(role: role, session: session, duration: TimeInterval(duration), now: now)
    }

    private func attachable(_ names: [String], data: Data) throws(AWSError) -> [String] {
        var arns: [String] = []
        for name in names {
            let arn = name.hasPrefix("arn:") ? name : self.managedPolicyARN(name)
            guard data.managedPolicies[arn] != nil else { throw AWSError.noSuchPolicy(arn) }
            arns.append(arn)
        }
        return arns
    }
}
