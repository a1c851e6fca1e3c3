import SandboxPostgresWire

/// PostgreSQL's side of the proxy's authentication: cleartext for IAM tokens (over TLS only), else the entry's
/// ClientPasswordAuthType (SCRAM-SHA-256 by default, or MD5) checked against the secret's password. Refusals are
/// RDS Proxy's own words (its troubleshooting page); the reason goes to the audit.
extension ProxyAuthenticator {
    typealias Startup = PostgresServerStateMachine.Startup

    func postgresMethod(for startup: Startup) -> Result<PostgresServerStateMachine.AuthMethod, PostgresError> {
        let user = startup.user
        guard let login = self.login(for: user) else {
            self.refuse(user, self.noLoginReason(user))
            return .failure(
                PostgresError(
                    .fatal,
                    "28000",
                    "This RDS proxy has no credentials for the role \(user). Check the credentials for this role "
                        + "and try again."
                )
            )
        }
        if login.entry.iamAuth == "REQUIRED" {
            guard startup.isTLS else {
                self.refuse(user, "IAM authentication requires TLS; connect with sslmode=require or stricter")
                return .failure(
                    PostgresError(.fatal, "28000", "IAM authentication is allowed only with SSL connections.")
                )
            }
            return .success(.cleartext)
        }
        if login.entry.clientPasswordAuthType == "POSTGRES_MD5" {
            return .success(.md5(salt: (0..<4).map { _ in UInt8.random(in: 0...255) }))
        }
        return .success(.scram(self.scramVerifier(for: login), serverNonce: PostgresClientStateMachine.makeNonce()))
    }

    /// Whether `credential` logs `startup.user` in; nil, or the error the client gets.
    func postgresVerify(
        _ startup: Startup,
        _ credential: PostgresServerStateMachine.Credential,
        sourceIP: String?
    ) -> PostgresError? {
        let user = startup.user
        let wrongPassword = PostgresError(
            .fatal,
            "28P01",
            "The password that was provided for the role \(user) is wrong."
        )
        guard let login = self.login(for: user) else {
            self.refuse(user, self.noLoginReason(user))
            return wrongPassword
        }
        switch credential {
        case let .password(token) where login.entry.iamAuth == "REQUIRED":
            guard self.checkToken(token, user: user, sourceIP: sourceIP) else {
                return PostgresError(
                    .fatal,
                    "28P01",
                    "IAM authentication failed for user \(user). Check the IAM token for this user and try again."
                )
            }
            return nil
        case let .md5(response, salt):
            return self.checkPassword(
                login,
                matches: { MD5Password.response(user: user, password: $0, salt: salt) == response }
            ) ? nil : wrongPassword
        case .scram(nil):
            self.audit.record(
                user: user,
                outcome: "accepted",
                reason: "SCRAM-SHA-256 with the password of \(login.entry.secretARN ?? "")"
            )
            return nil
        case let .scram(error?):
            self.refuse(
                user,
                "SCRAM-SHA-256 failed (\(error)): the password does not match the secret \(login.entry.secretARN ?? "")"
            )
            return wrongPassword
        case .password, .trusted:
            self.refuse(user, "the client answered with a method the proxy did not ask for")
            return wrongPassword
        }
    }

    /// The SCRAM verifier of the secret's password, derived once per password (PBKDF2 is the costly part).
    private func scramVerifier(for login: ProxyCredentials.Login) -> SCRAMSHA256Verifier {
        self.scramVerifiers.withLockedValue { cache in
            if let (password, verifier) = cache[login.username], password == login.password { return verifier }
            let verifier = SCRAMSHA256Verifier(
                password: login.password,
                salt: (0..<16).map { _ in UInt8.random(in: 0...255) }
            )
            cache[login.username] = (login.password, verifier)
            return verifier
        }
    }
}
