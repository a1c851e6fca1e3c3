import SandboxMySQLWire

/// MySQL's side of the proxy's authentication: the plugin each user logs in with, and the verdict on what the client
/// proved. Clients only ever see 1045 `'<user>'@'%'`.
extension ProxyAuthenticator {
    static func denied(_ user: String, usingPassword: Bool = true) -> ErrorPacket {
        .accessDenied(user: user, host: "%", usingPassword: usingPassword)
    }

    /// The plugin a user logs in with: clear password for IAM, else the entry's ClientPasswordAuthType.
    func method(for request: ServerAuthRequest) -> Result<MySQLAuthPlugin, ErrorPacket> {
        guard let login = self.login(for: request.username) else {
            // Unknown users go through a scramble exchange and fail at verification, as MySQL does.
            return .success(.nativePassword)
        }
        if login.entry.iamAuth == "REQUIRED" {
            guard request.isTLS else {
                self.refuse(request.username, "IAM authentication requires TLS; connect with TLS (--ssl)")
                return .failure(Self.denied(request.username))
            }
            return .success(.clearPassword)
        }
        let plugin: MySQLAuthPlugin =
            login.entry.clientPasswordAuthType == "MYSQL_CACHING_SHA2_PASSWORD" ? .cachingSHA2Password : .nativePassword
        if plugin != .nativePassword, !request.clientCapabilities.contains(.pluginAuth) {
            self.refuse(
                request.username,
                "ClientPasswordAuthType \(login.entry.clientPasswordAuthType ?? "") needs a client with "
                    + "authentication plugins; "
                    + "this one (no CLIENT_PLUGIN_AUTH) sends only mysql_native_password scrambles: 1251"
            )
        }
        return .success(plugin)
    }

    func verify(_ request: ServerAuthRequest, proof: AuthProof, sourceIP: String?) -> AuthVerdict {
        let user = request.username
        let denied = AuthVerdict.rejected(Self.denied(user, usingPassword: proof.usesPassword))
        guard let login = self.login(for: user) else {
            self.refuse(user, self.noLoginReason(user))
            return denied
        }
        if login.entry.iamAuth == "REQUIRED" {
            guard case let .cleartext(token) = proof else {
                self.refuse(user, "IAM authentication expects a token in cleartext")
                return denied
            }
            return self.checkToken(token, user: user, sourceIP: sourceIP) ? .accepted : denied
        }
        if case .scramble(.cachingSHA2Password, _, _) = proof,
            !self.fastAuthCache.withLockedValue({ $0.contains(user) })
        {
            return .fullAuthenticationRequired
        }
        guard self.checkPassword(login, matches: { proof.matches(password: $0) }) else { return denied }
        if case .cleartext = proof { self.fastAuthCache.withLockedValue { _ = $0.insert(user) } }
        return .accepted
    }
}
