import SandboxMySQLWire

extension RDSProxyServer {
    public typealias TargetHealth = SandboxRDSProxy.TargetHealth

    /// Checks the target as the proxy sees it (credentials readable as its role, the network path, a login with
    /// the secret) and records the result with the account, for DescribeDBProxyTargets; then the other targets.
    @discardableResult
    public func checkTargetHealth() async -> TargetHealth {
        await self.following.check()
    }

    /// The checks a MySQL proxy runs: a login with the secret; 1045 is the secret's credentials refused.
    static func healthChecks(
        _ configuration: RDSProxyConfiguration,
        credentials: ProxyCredentials
    ) -> TargetHealthChecks {
        TargetHealthChecks(
            configuration: configuration,
            credentials: credentials,
            login: { target, login in
                let connection = try await Self.connect(
                    target,
                    login: login,
                    timeout: configuration.targetConnectTimeout
                )
                await connection.close()
            },
            authFailure: { error in
                if case let MySQLClientError.server(refusal) = error, refusal.code == 1045 { return refusal.message }
                return nil
            }
        )
    }
}
