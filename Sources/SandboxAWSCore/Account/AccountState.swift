import Foundation
import NIOConcurrencyHelpers
import SandboxIAMPolicy
import SandboxSigV4

/// Everything one sandbox account holds: IAM users and roles, managed policies, access keys, secrets.
/// All mutation happens inside `withState`, under one lock, so no request sees half a change.
public final class AccountState: Sendable {
    struct Data: Sendable {
        var users: [String: IAMUser] = [:]
        var roles: [String: IAMRole] = [:]
        var managedPolicies: [String: (name: String, document: String)] = [:]
        var accessKeys: [String: AccessKey] = [:]
        var secrets: [String: Secret] = [:]
        var keys: [String: KMSKey] = [:]
        /// `alias/name` → key id.
        var aliases: [String: String] = [:]
        var dbInstances: [String: DBInstanceRecord] = [:]
        var proxies: [String: DBProxyRecord] = [:]
        var dbClusters: [String: DBClusterRecord] = [:]
        var proxyEndpoints: [String: DBProxyEndpointRecord] = [:]
    }

    public let accountID: String
    public let region: String
    /// The account's root credentials (allowed everything, as AWS's root user is).
    public let rootCredentials: AWSCredentials
    private let data = NIOLockedValueBox(Data())
    /// Identity policies by their JSON text, parsed the first time a request needs them and kept: a request's
    /// caller carries parsed documents without parsing its policies again.
    private let documents = NIOLockedValueBox<[String: PolicyDocument]>([:])
    let clusterFailoverRunner = NIOLockedValueBox<ClusterFailoverRunner?>(nil)
    let proxyEndpointRunner = NIOLockedValueBox<DBProxyEndpointRunner?>(nil)

    /// The account-and-region part of RDS endpoint names (`<id>.<suffix>.<region>.rds.amazonaws.com`).
    public let rdsEndpointSuffix: String
    /// The VPC that proxies and instances report until the topology declares VPCs.
    public let defaultVpcID: String

    public init(accountID: String = "123456789012", region: String = "us-east-1") {
        self.accountID = accountID
        self.region = region
        self.rdsEndpointSuffix = IDs.lowerCase(12)
        self.defaultVpcID = "vpc-" + IDs.hex(17)
        self.rootCredentials = AWSCredentials(
            accessKeyID: IDs.accessKeyID(prefix: "AKIA"),
            secretAccessKey: IDs.secret()
        )
        let root = AccessKey(credentials: self.rootCredentials, owner: .root)
        self.data.withLockedValue { $0.accessKeys[root.credentials.accessKeyID] = root }
    }

    func withState<T>(_ body: (inout Data) throws(AWSError) -> T) throws(AWSError) -> T {
        let result: Result<T, AWSError> = self.data.withLockedValue { data in
            Result { () throws(AWSError) -> T in try body(&data) }
        }
        return try result.get()
    }

    func read<T>(_ body: (Data) -> T) -> T { self.data.withLockedValue { body($0) } }

    /// The credentials of an access key, for SigV4 verification; expired session keys are unknown.
    package func credentials(for accessKeyID: String, now: Date) -> AWSCredentials? {
        self.read { data in
            guard let key = data.accessKeys[accessKeyID] else { return nil }
            if case let .session(_, _, expires) = key.owner, expires < now { return nil }
            return key.credentials
        }
    }

    /// Resolves a verified access key to its principal and the identity policies that apply.
    package func caller(accessKeyID: String) throws(AWSError) -> Caller {
        try self.withState { (data: inout Data) throws(AWSError) -> Caller in
            guard let key = data.accessKeys[accessKeyID] else {
                throw AWSError.invalidSecurityToken
            }
            switch key.owner {
            case .root:
                return Caller(
                    kind: .root,
                    arn: "arn:aws:iam::\(self.accountID):root",
                    userID: self.accountID,
                    accessKeyID: accessKeyID,
                    account: self.accountID,
                    policies: [.allowEverything]
                )
            case let .user(name):
                guard let user = data.users[name] else { throw AWSError.invalidSecurityToken }
                return self.caller(user, accessKeyID: accessKeyID, data: data)
            case let .session(roleName, session, _):
                guard let role = data.roles[roleName] else {
                    throw AWSError.invalidSecurityToken
                }
                return self.caller(role, session: session, accessKeyID: accessKeyID, data: data)
            }
        }
    }

    /// The principal a user or role ARN names, with its identity policies (what the policy simulator evaluates).
    func principal(arn: String) throws(AWSError) -> Caller {
        let prefix = "arn:aws:iam::\(self.accountID):"
        let local = arn.hasPrefix(prefix) ? arn.dropFirst(prefix.count) : ""
        let name = String(local.split(separator: "/").last ?? "")
        let found: Caller? = self.read { data in
            if local.hasPrefix("user/"), let user = data.users[name] {
                return self.caller(user, accessKeyID: "", data: data)
            }
            if local.hasPrefix("role/"), let role = data.roles[name] {
                return self.caller(role, session: nil, accessKeyID: "", data: data)
            }
            return nil
        }
        guard let found else {
            throw AWSError(
                .noSuchEntity,
                "The user or role \(arn) cannot be found: PolicySourceArn must name a user or role of account "
                    + "\(self.accountID)."
            )
        }
        return found
    }

    /// A KMS key by id, key ARN, `alias/name` or alias ARN.
    func kmsKey(_ reference: String) throws(AWSError) -> KMSKey {
        let prefix = "arn:aws:kms:\(self.region):\(self.accountID):"
        let local = reference.hasPrefix(prefix) ? String(reference.dropFirst(prefix.count)) : reference
        let found: KMSKey? = self.read { data in
            if local.hasPrefix("alias/") { return data.aliases[local].flatMap { data.keys[$0] } }
            return data.keys[local.hasPrefix("key/") ? String(local.dropFirst(4)) : local]
        }
        guard let found else {
            throw AWSError(
                .notFoundException,
                local.hasPrefix("alias/")
                    ? "Alias \(prefix)\(local) is not found."
                    : "Key '\(prefix)key/\(local.replacingOccurrences(of: "key/", with: ""))' does not exist",
                status: 400
            )
        }
        return found
    }

    /// Session credentials for `role` (what AssumeRole returns once the trust policy allowed the caller; what a
    /// service hands to the function or proxy it runs as that role).
    func issueSession(
        role roleName: String,
        session: String,
        duration: TimeInterval,
        now: Date
    ) throws(AWSError) -> (credentials: AWSCredentials, expires: Date) {
        let credentials = AWSCredentials(
            accessKeyID: IDs.accessKeyID(prefix: "ASIA"),
            secretAccessKey: IDs.secret(),
            sessionToken: IDs.sessionToken()
        )
        let expires = now.addingTimeInterval(duration)
        try self.withState { (data: inout Data) throws(AWSError) in
            guard data.roles[roleName] != nil else { throw AWSError.noSuchRole(roleName) }
            data.accessKeys[credentials.accessKeyID] = AccessKey(
                credentials: credentials,
                owner: .session(role: roleName, session: session, expires: expires)
            )
        }
        return (credentials, expires)
    }

    /// A user as a principal, with its identity policies.
    private func caller(_ user: IAMUser, accessKeyID: String, data: Data) -> Caller {
        Caller(
            kind: .user,
            arn: user.arn,
            userID: user.id,
            accessKeyID: accessKeyID,
            account: self.accountID,
            policies: self.policies(
                prefix: "user/\(user.name)",
                inline: user.inlinePolicies,
                attached: user.attachedPolicies,
                data: data
            )
        )
    }

    /// A session of `role` (`assumed-role/<role>/<session>`), or with no session the role itself, as the policy
    /// simulator evaluates it; with the role's identity policies.
    func caller(_ role: IAMRole, session: String?, accessKeyID: String, data: Data) -> Caller {
        Caller(
            kind: .assumedRole,
            arn: session.map { "arn:aws:sts::\(self.accountID):assumed-role/\(role.name)/\($0)" } ?? role.arn,
            userID: session.map { "\(role.id):\($0)" } ?? role.id,
            accessKeyID: accessKeyID,
            account: self.accountID,
            policies: self.policies(
                prefix: "role/\(role.name)",
                inline: role.inlinePolicies,
                attached: role.attachedPolicies,
                data: data
            )
        )
    }

    private func policies(prefix: String, inline: [String: String], attached: [String], data: Data) -> [NamedPolicy] {
        var result: [NamedPolicy] = []
        for (name, json) in inline.sorted(by: { $0.key < $1.key }) {
            if let document = self.document(json) {
                result.append(NamedPolicy(name: "\(prefix)/inline/\(name)", document: document))
            }
        }
        for arn in attached {
            if let managed = data.managedPolicies[arn], let document = self.document(managed.document) {
                result.append(NamedPolicy(name: "managed/\(managed.name)", document: document))
            }
        }
        return result
    }
}

extension AccountState {
    /// The parsed identity policy of `json` (nil when it does not parse, which a stored policy always does).
    func document(_ json: String) -> PolicyDocument? {
        if let known = self.documents.withLockedValue({ $0[json] }) { return known }
        guard let document = try? PolicyDocument.parse(json) else { return nil }
        self.documents.withLockedValue { $0[json] = document }
        return document
    }
}

/// AWS-shaped identifiers.
package enum IDs {
    private static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    private static let mixed = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func accessKeyID(prefix: String) -> String { prefix + String((0..<16).map { _ in upper.randomElement()! }) }
    static func uniqueID(prefix: String) -> String { prefix + String((0..<17).map { _ in upper.randomElement()! }) }
    static func secret() -> String { String((0..<40).map { _ in mixed.randomElement()! }) }
    static func sessionToken() -> String { "IQoJb3JpZ2luX2VjE" + String((0..<120).map { _ in mixed.randomElement()! }) }
    static func suffix(_ count: Int) -> String { String((0..<count).map { _ in mixed.randomElement()! }) }
    static func upperCase(_ count: Int) -> String { String((0..<count).map { _ in upper.randomElement()! }) }
    static func lowerCase(_ count: Int) -> String { String((0..<count).map { _ in mixed[26..<62].randomElement()! }) }
    static func hex(_ count: Int) -> String { String((0..<count).map { _ in "0123456789abcdef".randomElement()! }) }
    /// A random (version 4) UUID in lowercase, as AWS's request ids: from the system's generator directly, not
    /// Foundation's `UUID()`, which opens /dev/urandom each time on Linux.
    package static func requestID() -> String {
        var random = SystemRandomNumberGenerator()
        let high = (random.next() as UInt64) & 0xFFFF_FFFF_FFFF_0FFF | 0x4000
        let low = (random.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        var text = [UInt8](repeating: 0x2D, count: 36)
        var at = 0
        for (index, nibble) in (0..<32).map({
            $0 < 16 ? high >> (60 - 4 * $0) & 0xF : low >> (60 - 4 * ($0 - 16)) & 0xF
        }).enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { at += 1 }
            text[at] = UInt8(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
            at += 1
        }
        return String(decoding: text, as: UTF8.self)
    }
}
