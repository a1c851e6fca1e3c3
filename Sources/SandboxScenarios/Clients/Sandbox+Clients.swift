import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxSigV4

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
    /// its engine's port, 3306 or 5432, as an SDK signs it); nil when the proxy or the role's credentials are unknown.
    public func authToken(proxy: String, role: String, user: String, date: Date = Date()) -> String? {
        guard let found = self.endpoints.proxies?[proxy], let credentials = self.endpoints.credentials?[role] else {
            return nil
        }
        let port = found.engineFamily == "POSTGRESQL" ? 5432 : 3306
        return RDSAuthToken.generate(
            host: found.endpoint,
            port: port,
            region: self.topology.region,
            user: user,
            credentials: credentials.awsCredentials,
            date: date
        )
    }

    /// A libmariadb connection through proxy `proxy` as `login`, from this machine (the operator host), verifying
    /// the proxy's certificate with its CA bundle when `tls`.
    public func connect(
        through proxy: String,
        as login: ProxyLogin,
        database: String? = nil,
        tls: Bool = true,
        timeout: UInt32 = 5
    ) async throws -> MariaDBConnection {
        var probe = ConnectProbe(target: proxy, user: login.user, tls: tls, caBundle: tls ? .matching : .none)
        switch login {
        case let .iam(role, _): probe.iamRole = role
        case let .password(_, password): probe.password = password
        }
        return try await self.connect(probe, database: database, timeout: timeout)
    }

    /// A libmariadb connection configured as `probe` says (see `Endpoints.connect`).
    public func connect(
        _ probe: ConnectProbe,
        database: String? = nil,
        timeout: UInt32 = 5,
        host: String? = nil
    ) async throws -> MariaDBConnection {
        try await self.endpoints.connect(probe, database: database, timeout: timeout, host: host)
    }

    func password(for probe: ConnectProbe, endpoint: String) throws(MariaDBError) -> String {
        try self.endpoints.password(for: probe, endpoint: endpoint)
    }

    func address(of name: String) -> Endpoints.Address? { self.endpoints.address(of: name) }

    /// What the sandbox can say about a failure: the latest login decisions of the proxies (or of `proxy`) with
    /// their reasons, the instances' refused connections, the APIs' failed requests with why, and the connections the
    /// network dropped with its explanation. Never a password or token.
    public func explanation(proxy: String? = nil, last count: Int = 5) -> String {
        var lines: [String] = []
        for name in proxy.map({ [$0] }) ?? (self.endpoints.proxies?.keys.sorted() ?? []) {
            for entry in (self.proxy(name)?.audit ?? self.postgresProxy(name)?.audit)?.all.suffix(count) ?? [] {
                lines.append("proxy \(name): \(entry.user) \(entry.outcome): \(entry.reason)")
            }
        }
        for id in self.endpoints.databases.keys.sorted() {
            for refusal in (self.database(id)?.refusals ?? self.postgresDatabase(id)?.refusals ?? []).suffix(count) {
                lines.append("instance \(id): \(refusal)")
            }
        }
        for name in self.endpoints.apis?.keys.sorted() ?? [] {
            for request in (self.api(name)?.recentRequests ?? []).filter({ $0.status >= 400 }).suffix(count) {
                lines.append("api \(name): \(request.method) \(request.path) → \(request.status): \(request.reason)")
            }
        }
        for denial in (self.network?.deniedConnections ?? []).suffix(count) {
            lines.append(
                "network: \(denial.source) → \(denial.destination):\(denial.port) dropped: "
                    + denial.explanations.map { "\($0.code): \($0.text)" }.joined(separator: "; ")
            )
        }
        return lines.isEmpty
            ? "the sandbox recorded no login decision and no dropped connection" : lines.joined(separator: "\n")
    }
}
