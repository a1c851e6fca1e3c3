import AWSSigV4
import CloudSandbox
import Foundation
import MariaDBClient

/// How an application logs in through an RDS Proxy.
public enum ProxyLogin: Sendable, CustomStringConvertible {
    /// An IAM token for `user`, signed with `role`'s credentials from the endpoints file (botocore's
    /// generate_db_auth_token), sent over TLS with the clear-text plugin.
    case iam(role: String, user: String)
    /// The password of a secret the proxy reads.
    case password(user: String, password: String)

    public var user: String {
        switch self {
        case let .iam(_, user), let .password(user, _): user
        }
    }

    public var description: String {
        switch self {
        case let .iam(role, user): "\(user) with an IAM token signed as \(role)"
        case let .password(user, _): "\(user) with a password"
        }
    }
}

extension Sandbox {
    /// An RDS auth token for `user` on proxy `proxy`, signed with `role`'s credentials (for the proxy's DNS name and
    /// port 3306, as an SDK signs it); nil when the proxy or the role's credentials are unknown.
    public func authToken(proxy: String, role: String, user: String, date: Date = Date()) -> String? {
        guard let endpoint = self.endpoints.proxies?[proxy]?.endpoint, let found = self.endpoints.credentials?[role] else { return nil }
        return RDSAuthToken.generate(host: endpoint, port: 3306, region: self.topology.region, user: user, credentials: found.awsCredentials, date: date)
    }

    /// A libmariadb connection through proxy `proxy` as `login`, from this machine (the operator host), verifying
    /// the proxy's certificate with its CA bundle when `tls`.
    public func connect(through proxy: String, as login: ProxyLogin, database: String? = nil, tls: Bool = true,
                        timeout: UInt32 = 5) async throws -> MariaDBConnection {
        guard let endpoint = self.endpoints.proxies?[proxy] else {
            throw MariaDBError(code: 2005, sqlState: "HY000", message: "no proxy '\(proxy)' in this sandbox; it has \(self.endpoints.proxies?.keys.sorted() ?? [])")
        }
        let password: String
        switch login {
        case let .iam(role, user):
            guard let token = self.authToken(proxy: proxy, role: role, user: user) else {
                throw MariaDBError(code: 2005, sqlState: "HY000", message: "no credentials for role '\(role)' in the endpoints file")
            }
            password = token
        case let .password(_, secret):
            password = secret
        }
        let options = MariaDBConnection.Options(host: endpoint.host, port: endpoint.port, user: login.user, password: password, database: database,
                                                tls: tls, caFile: tls ? endpoint.caBundle : nil, connectTimeout: timeout, readTimeout: timeout)
        return try await MariaDB.offload { try MariaDBConnection(options) }
    }

    /// What the sandbox can say about a failure: the latest login decisions of the proxies (or of `proxy`) with
    /// their reasons, and the connections the network dropped with its explanation. Never a password or token.
    public func explanation(proxy: String? = nil, last count: Int = 5) -> String {
        var lines: [String] = []
        for name in proxy.map({ [$0] }) ?? (self.endpoints.proxies?.keys.sorted() ?? []) {
            for entry in self.proxy(name)?.audit.all.suffix(count) ?? [] {
                lines.append("proxy \(name): \(entry.user) \(entry.outcome): \(entry.reason)")
            }
        }
        for denial in (self.network?.deniedConnections ?? []).suffix(count) {
            lines.append("network: \(denial.source) → \(denial.destination):\(denial.port) dropped: "
                         + denial.explanations.map { "\($0.code): \($0.text)" }.joined(separator: "; "))
        }
        return lines.isEmpty ? "the sandbox recorded no login decision and no dropped connection" : lines.joined(separator: "\n")
    }
}
