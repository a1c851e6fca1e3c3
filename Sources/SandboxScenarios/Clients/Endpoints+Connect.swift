import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxSigV4

/// Logging in to a running sandbox from what its endpoints file says (in this process or another: `sandbox sql`).
extension Endpoints {
    /// The region the endpoints file names.
    var region: String { self.aws?.region ?? "us-east-1" }

    /// A libmariadb connection configured as `probe` says: to a proxy, an instance or a cluster's endpoint, with an
    /// IAM token (signed as `probe` asks, even wrongly) or a password, from the operator host or another host.
    /// `host` overrides where the client dials (an address it resolved earlier).
    public func connect(
        _ probe: ConnectProbe,
        database: String? = nil,
        timeout: UInt32 = 5,
        host: String? = nil
    ) async throws -> MariaDBConnection {
        guard let target = self.address(of: probe.target) else {
            let known =
                (self.proxies?.keys.sorted() ?? []) + self.databases.keys.sorted()
                + (self.clusters?.keys.sorted() ?? [])
            throw MariaDBError(
                code: 2005,
                sqlState: "HY000",
                message:
                    "no proxy, instance or cluster '\(probe.target)' in the sandbox; it has "
                    + "\(known.joined(separator: ", "))"
            )
        }
        let password = try self.password(for: probe, endpoint: target.endpoint)
        let caFile = self.caFile(for: probe, target: target)
        var options = MariaDBConnection.Options(
            host: host ?? target.host,
            port: target.port,
            user: probe.user,
            password: password,
            database: database ?? probe.database,
            tls: probe.tls,
            caFile: probe.tls ? caFile : nil,
            connectTimeout: timeout,
            readTimeout: timeout,
            bindAddress: try probe.from.map(self.loopback(of:))
        )
        options.enableClearText = probe.clearText
        let configured = options
        return try await MariaDB.offload { try MariaDBConnection(configured) }
    }

    /// The CA bundle the probe's client verifies `target` with (nil: none).
    func caFile(for probe: ConnectProbe, target: Address) -> String? {
        switch probe.caBundle {
        case .matching: target.caBundle
        case .instance: self.databases.values.lazy.compactMap(\.caBundle).first
        case .none: nil
        }
    }

    /// What the client sends as its password: `probe.password`, or an IAM token signed with `probe.iamRole`'s
    /// credentials for the host, port and region the probe says (by default the target's endpoint, its engine's port
    /// (`defaultPort`: 3306, or 5432 for PostgreSQL), the region).
    public func password(
        for probe: ConnectProbe,
        endpoint: String,
        defaultPort: Int = 3306
    ) throws(MariaDBError) -> String {
        guard let role = probe.iamRole else { return probe.password ?? "" }
        guard let credentials = self.credentials?[role] else {
            throw MariaDBError(
                code: 2005,
                sqlState: "HY000",
                message: "no credentials for '\(role)' in the endpoints file"
            )
        }
        let host = probe.tokenHost.map(self.substitute) ?? endpoint
        return RDSAuthToken.generate(
            host: host,
            port: probe.tokenPort ?? defaultPort,
            region: probe.tokenRegion ?? self.region,
            user: probe.user,
            credentials: credentials.awsCredentials,
            date: Date().addingTimeInterval(-(probe.tokenAgeSeconds ?? 0))
        )
    }

    /// `${proxy:NAME}`, `${database:ID}`, `${cluster:ID}` → the DNS name; anything else as written (an IP, a CNAME).
    func substitute(_ text: String) -> String {
        guard text.hasPrefix("${"), text.hasSuffix("}"), let colon = text.firstIndex(of: ":") else { return text }
        let name = String(text[text.index(after: colon)..<text.index(before: text.endIndex)])
        return self.address(of: name)?.endpoint ?? text
    }

    /// Where a proxy (or one of its endpoints), instance or cluster (its writer) listens, its DNS name and CA bundle.
    public struct Address: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var endpoint: String
        public var caBundle: String?
        /// Whether it speaks PostgreSQL (a proxy of family POSTGRESQL, a postgres instance or cluster).
        public var postgres = false
    }

    public func address(of name: String) -> Address? {
        if let proxy = self.proxies?[name] {
            return Address(
                host: proxy.host,
                port: proxy.port,
                endpoint: proxy.endpoint,
                caBundle: proxy.caBundle,
                postgres: proxy.engineFamily == "POSTGRESQL"
            )
        }
        for proxy in (self.proxies ?? [:]).values {
            if let endpoint = proxy.endpoints?[name] {
                return Address(
                    host: endpoint.host,
                    port: endpoint.port,
                    endpoint: endpoint.endpoint,
                    caBundle: proxy.caBundle
                )
            }
        }
        if let instance = self.databases[name] {
            return Address(
                host: instance.host,
                port: instance.port,
                endpoint: instance.endpoint,
                caBundle: instance.caBundle,
                postgres: instance.engine == "postgres"
            )
        }
        if let cluster = self.clusters?[name], let writer = self.databases[cluster.writer] {
            return Address(
                host: writer.host,
                port: writer.port,
                endpoint: cluster.endpoint,
                caBundle: writer.caBundle,
                postgres: writer.engine == "postgres"
            )
        }
        return nil
    }

    /// The loopback address a network host or a function's ENI connects from.
    func loopback(of source: String) throws -> String {
        if let host = self.hosts?[source] { return host.loopback }
        if let eni = self.functions?[source]?.eni { return eni.loopback }
        throw MariaDBError(
            code: 2005,
            sqlState: "HY000",
            message: "no network host or VPC function '\(source)' to connect from"
        )
    }
}
