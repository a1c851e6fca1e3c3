import AWSSigV4
import Foundation
import IAMPolicy
import NIOConcurrencyHelpers

/// Everything one sandbox account holds: IAM users and roles, managed policies, access keys, secrets.
/// All mutation happens inside `withState`, under one lock, so no request sees half a change.
public final class AccountState: Sendable {
    struct Data: Sendable {
        var users: [String: IAMUser] = [:]
        var roles: [String: IAMRole] = [:]
        var managedPolicies: [String: (name: String, document: String)] = [:]
        var accessKeys: [String: AccessKey] = [:]
        var secrets: [String: Secret] = [:]
    }

    public let accountID: String
    public let region: String
    /// The account's root credentials (allowed everything, as AWS's root user is).
    public let rootCredentials: AWSCredentials
    private let data = NIOLockedValueBox(Data())

    public init(accountID: String = "123456789012", region: String = "us-east-1") {
        self.accountID = accountID
        self.region = region
        self.rootCredentials = AWSCredentials(accessKeyID: IDs.accessKeyID(prefix: "AKIA"), secretAccessKey: IDs.secret())
        let root = AccessKey(credentials: self.rootCredentials, owner: .root)
        self.data.withLockedValue { $0.accessKeys[root.credentials.accessKeyID] = root }
    }

    func withState<T>(_ body: (inout Data) throws(AWSError) -> T) throws(AWSError) -> T {
        let result: Result<T, AWSError> = self.data.withLockedValue { data in Result { () throws(AWSError) -> T in try body(&data) } }
        return try result.get()
    }

    func read<T>(_ body: (Data) -> T) -> T { self.data.withLockedValue { body($0) } }

    /// The credentials of an access key, for SigV4 verification; expired session keys are unknown.
    func credentials(for accessKeyID: String, now: Date) -> AWSCredentials? {
        self.read { data in
            guard let key = data.accessKeys[accessKeyID] else { return nil }
            if case let .session(_, _, expires) = key.owner, expires < now { return nil }
            return key.credentials
        }
    }

    /// Resolves a verified access key to its principal and the identity policies that apply.
    func caller(accessKeyID: String) throws(AWSError) -> Caller {
        try self.withState { (data: inout Data) throws(AWSError) -> Caller in
            guard let key = data.accessKeys[accessKeyID] else {
                throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403)
            }
            switch key.owner {
            case .root:
                return Caller(kind: .root, arn: "arn:aws:iam::\(self.accountID):root", userID: self.accountID, accessKeyID: accessKeyID,
                              account: self.accountID, policies: [])
            case let .user(name):
                guard let user = data.users[name] else { throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403) }
                return Caller(kind: .user, arn: user.arn, userID: user.id, accessKeyID: accessKeyID, account: self.accountID,
                              policies: Self.policies(prefix: "user/\(name)", inline: user.inlinePolicies, attached: user.attachedPolicies, data: data))
            case let .session(roleName, session, _):
                guard let role = data.roles[roleName] else {
                    throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403)
                }
                return Caller(kind: .assumedRole, arn: "arn:aws:sts::\(self.accountID):assumed-role/\(roleName)/\(session)",
                              userID: "\(role.id):\(session)", accessKeyID: accessKeyID, account: self.accountID,
                              policies: Self.policies(prefix: "role/\(roleName)", inline: role.inlinePolicies, attached: role.attachedPolicies, data: data))
            }
        }
    }

    private static func policies(prefix: String, inline: [String: String], attached: [String], data: Data) -> [NamedPolicy] {
        var result: [NamedPolicy] = []
        for (name, json) in inline.sorted(by: { $0.key < $1.key }) {
            if let document = try? PolicyDocument.parse(json) { result.append(NamedPolicy(name: "\(prefix)/inline/\(name)", document: document)) }
        }
        for arn in attached {
            if let managed = data.managedPolicies[arn], let document = try? PolicyDocument.parse(managed.document) {
                result.append(NamedPolicy(name: "managed/\(managed.name)", document: document))
            }
        }
        return result
    }
}

/// AWS-shaped identifiers.
enum IDs {
    private static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    private static let mixed = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func accessKeyID(prefix: String) -> String { prefix + String((0..<16).map { _ in upper.randomElement()! }) }
    static func uniqueID(prefix: String) -> String { prefix + String((0..<17).map { _ in upper.randomElement()! }) }
    static func secret() -> String { String((0..<40).map { _ in mixed.randomElement()! }) }
    static func sessionToken() -> String { "IQoJb3JpZ2luX2VjE" + String((0..<120).map { _ in mixed.randomElement()! }) }
    static func suffix(_ count: Int) -> String { String((0..<count).map { _ in mixed.randomElement()! }) }
    static func requestID() -> String { UUID().uuidString.lowercased() }
}
