import Foundation
import SandboxIAMPolicy
import SandboxSigV4

/// STS (query protocol, 2011-06-15): GetCallerIdentity and AssumeRole with the trust policy enforced.
struct STSService: Sendable {
    static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ action: STSOperation, _ form: QueryForm, caller: Caller, now: Date) throws(AWSError) -> String {
        switch action {
        case .getCallerIdentity:
            _ = try form.decode(STSShapes.GetCallerIdentityInput.self, style: .validationError)
            return try QueryXMLEncoder.encode(
                STSShapes.GetCallerIdentityResult(arn: caller.arn, userId: caller.userID, account: caller.account)
            )
        case .assumeRole:
            return try QueryXMLEncoder.encode(
                try self.assumeRole(
                    form.decode(STSShapes.AssumeRoleInput.self, style: .validationError),
                    caller: caller,
                    now: now
                )
            )
        }
    }

    private func assumeRole(
        _ input: STSShapes.AssumeRoleInput,
        caller: Caller,
        now: Date
    ) throws(AWSError) -> STSShapes.AssumeRoleResult {
        let (roleARN, session) = (input.roleArn, input.roleSessionName)
        guard session.range(of: #"^[\w+=,.@-]{2,64}$"#, options: .regularExpression) != nil else {
            throw AWSError(
                .validationError,
                "1 validation error detected: Value '\(session)' at 'roleSessionName' failed to satisfy "
                    + "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            )
        }
        let duration = input.durationSeconds ?? 3600
        let roleName = String(roleARN.split(separator: "/").last ?? "")
        guard let role = self.account.read({ $0.roles[roleName] }), role.arn == roleARN else {
            throw AWSError.accessDenied(principal: caller.arn, action: "sts:AssumeRole", resource: roleARN, json: false)
        }
        guard (900...role.maxSessionDuration).contains(duration) else {
            throw AWSError(
                .validationError,
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
        }
        try self.checkTrust(role, caller: caller)
        let (credentials, expires) = try self.account.issueSession(
            role: roleName,
            session: session,
            duration: TimeInterval(duration),
            now: now
        )
        return .init(
            credentials: .init(
                accessKeyId: credentials.accessKeyID,
                secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken,
                expiration: expires
            ),
            assumedRoleUser: .init(
                assumedRoleId: "\(role.id):\(session)",
                arn: "arn:aws:sts::\(self.account.accountID):assumed-role/\(roleName)/\(session)"
            )
        )
    }

    /// The trust policy must allow the caller. When it names the caller's account rather than the caller, the
    /// account delegates: the caller also needs an identity policy allowing sts:AssumeRole on the role, as in AWS.
    private func checkTrust(_ role: IAMRole, caller: Caller) throws(AWSError) {
        try self.authorizer.authorize(
            caller,
            action: "sts:AssumeRole",
            resource: role.arn,
            resourcePolicy: .trustPolicy(role.trustPolicy),
            json: false
        )
    }
}
