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
        var probe = ConnectProbe(target: proxy, user: login.user, tls: tls, caBundle: tls ? .matching : .none)
        switch login {
        case let .iam(role, _): probe.iamRole = role
        case let .password(_, password): probe.password = password
        }
        return try await self.connect(probe, database: database, timeout: timeout)
    }

    /// A libmariadb connection configured as `probe` says: to a proxy, an instance or a cluster's endpoint, with an
    /// IAM token (signed as `probe` asks, even wrongly) or a password, from the operator host or another host.
    /// `host` overrides where the client dials (an address it resolved earlier).
    public func connect(_ probe: ConnectProbe, database: String? = nil, timeout: UInt32 = 5, host: String? = nil) async throws -> MariaDBConnection {
        guard let target = self.address(of: probe.target) else {
            let known = (self.endpoints.proxies?.keys.sorted() ?? []) + self.endpoints.databases.keys.sorted() + (self.endpoints.clusters?.keys.sorted() ?? [])
            throw MariaDBError(code: 2005, sqlState: "HY000", message: "no proxy, instance or cluster '\(probe.target)' in this sandbox; it has \(known.joined(separator: ", "))")
        }
        let password = try self.password(for: probe, endpoint: target.endpoint)
        let caFile: String? = switch probe.caBundle {
        case .matching: target.caBundle
        case .instance: self.endpoints.databases.values.lazy.compactMap(\.caBundle).first
        case .none: nil
        }
        var options = MariaDBConnection.Options(host: host ?? target.host, port: target.port, user: probe.user, password: password, database: database ?? probe.database,
                                                tls: probe.tls, caFile: probe.tls ? caFile : nil, connectTimeout: timeout, readTimeout: timeout,
                                                bindAddress: try probe.from.map(self.loopback(of:)))
        options.enableClearText = probe.clearText
        let configured = options
        return try await MariaDB.offload { try MariaDBConnection(configured) }
    }

    /// What the client sends as its password: `probe.password`, or an IAM token signed with `probe.iamRole`'s
    /// credentials for the host, port and region the probe says (by default the target's endpoint, 3306, the region).
    func password(for probe: ConnectProbe, endpoint: String) throws(MariaDBError) -> String {
        guard let role = probe.iamRole else { return probe.password ?? "" }
        guard let credentials = self.endpoints.credentials?[role] else {
            throw MariaDBError(code: 2005, sqlState: "HY000", message: "no credentials for '\(role)' in the endpoints file")
        }
        let host = probe.tokenHost.map(self.substitute) ?? endpoint
        return RDSAuthToken.generate(host: host, port: probe.tokenPort ?? 3306, region: probe.tokenRegion ?? self.topology.region, user: probe.user,
                                     credentials: credentials.awsCredentials, date: Date().addingTimeInterval(-(probe.tokenAgeSeconds ?? 0)))
    }

    /// `${proxy:NAME}`, `${database:ID}`, `${cluster:ID}` → the DNS name; anything else as written (an IP, a CNAME).
    func substitute(_ text: String) -> String {
        guard text.hasPrefix("${"), text.hasSuffix("}"), let colon = text.firstIndex(of: ":") else { return text }
        let name = String(text[text.index(after: colon)..<text.index(before: text.endIndex)])
        return self.address(of: name)?.endpoint ?? text
    }

    func address(of name: String) -> (host: String, port: Int, endpoint: String, caBundle: String?)? {
        if let proxy = self.endpoints.proxies?[name] { return (proxy.host, proxy.port, proxy.endpoint, proxy.caBundle) }
        if let instance = self.endpoints.databases[name] { return (instance.host, instance.port, instance.endpoint, instance.caBundle) }
        if let cluster = self.endpoints.clusters?[name], let writer = self.endpoints.databases[cluster.writer] {
            return (writer.host, writer.port, cluster.endpoint, writer.caBundle)
        }
        return nil
    }

    /// The loopback address a network host or a function's ENI connects from.
    func loopback(of source: String) throws -> String {
        if let host = self.endpoints.hosts?[source] { return host.loopback }
        if let eni = self.endpoints.functions?[source]?.eni { return eni.loopback }
        throw MariaDBError(code: 2005, sqlState: "HY000", message: "no network host or VPC function '\(source)' to connect from")
    }

    /// What the sandbox can say about a failure: the latest login decisions of the proxies (or of `proxy`) with
    /// their reasons, the instances' refused connections, the APIs' failed requests with why, and the connections the network dropped with its
    /// explanation. Never a password or token.
    public func explanation(proxy: String? = nil, last count: Int = 5) -> String {
        var lines: [String] = []
        for name in proxy.map({ [$0] }) ?? (self.endpoints.proxies?.keys.sorted() ?? []) {
            for entry in self.proxy(name)?.audit.all.suffix(count) ?? [] {
                lines.append("proxy \(name): \(entry.user) \(entry.outcome): \(entry.reason)")
            }
        }
        for id in self.endpoints.databases.keys.sorted() {
            for refusal in (self.database(id)?.refusals ?? []).suffix(count) { lines.append("instance \(id): \(refusal)") }
        }
        for name in self.endpoints.apis?.keys.sorted() ?? [] {
            for request in (self.api(name)?.recentRequests ?? []).filter({ $0.status >= 400 }).suffix(count) {
                lines.append("api \(name): \(request.method) \(request.path) → \(request.status): \(request.reason)")
            }
        }
        for denial in (self.network?.deniedConnections ?? []).suffix(count) {
            lines.append("network: \(denial.source) → \(denial.destination):\(denial.port) dropped: "
                         + denial.explanations.map { "\($0.code): \($0.text)" }.joined(separator: "; "))
        }
        return lines.isEmpty ? "the sandbox recorded no login decision and no dropped connection" : lines.joined(separator: "\n")
    }
}
