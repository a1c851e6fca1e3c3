import Foundation
import SandboxRedaction

/// What a customer does against the stack, that works or fails.
public enum Probe: Sendable, Equatable, CustomStringConvertible {
    /// Invokes a function (as `aws lambda invoke` does) with a JSON event.
    case invoke(function: String, event: String)
    /// Calls a route of an HTTP API: `GET /iam`.
    case call(api: String?, route: String)
    /// A client logging in and running `SELECT 1` (MySQL or PostgreSQL, as the target speaks).
    case connect(ConnectProbe)
    /// The proxy's target health, as DescribeDBProxyTargets reports it.
    case targetHealth(proxy: String)
    /// The network's answer for TCP from one place to another.
    case reach(from: String, to: String, port: Int)

    public var description: String {
        switch self {
        case let .invoke(function, _): "invoke \(function)"
        case let .call(api, route): "call \(api.map { "\($0) " } ?? "")\(route)"
        case let .connect(probe): "connect \(probe)"
        case let .targetHealth(proxy): "target health of \(proxy)"
        case let .reach(from, to, port): "reach \(from) → \(to):\(port)"
        }
    }
}

/// A login through a proxy or to an instance, as a client configures it: libmariadb for MySQL targets, the sandbox's
/// PostgreSQL client (as libpq behaves) for PostgreSQL ones.
public struct ConnectProbe: Sendable, Equatable, RedactedWhenRendered {
    /// Which CA bundle the client verifies the server with.
    public enum CABundle: String, Sendable, Equatable, CaseIterable {
        /// The proxy's (Amazon Root CA-like) bundle for a proxy, the instance's for an instance: what is right.
        case matching
        /// The RDS instance CA bundle, whatever the server (wrong for a proxy).
        case instance
        /// No verification.
        case none
    }

    /// A proxy name, an instance id or a cluster id.
    public var target: String
    public var user: String
    /// Sign an IAM token with this role's (or user's) credentials; else `password`.
    public var iamRole: String?
    public var password: String?
    public var tls: Bool
    public var caBundle: CABundle
    /// Whether the client enables the clear-text plugin (MYSQL_ENABLE_CLEARTEXT_PLUGIN, --enable-cleartext-plugin); a
    /// client that does not is our own, acting as MySQL's libmysqlclient (libmariadb always sends it).
    public var clearText: Bool
    /// The host, port and region the token is signed for (default: the target's DNS name, 3306, the sandbox's region).
    public var tokenHost: String?
    public var tokenPort: Int?
    public var tokenRegion: String?
    /// The token made this long ago (a token cached past its 15 minutes).
    public var tokenAgeSeconds: Double?
    /// The network host (or function) the client connects from; default this machine, the operator host.
    public var from: String?
    /// How many clients log in at once and stay connected until all have (Lambda's concurrency).
    public var clients: Int = 1
    /// Each client keeps a transaction open (BEGIN) while the others log in: a pinned target connection each.
    public var inTransaction = false
    /// After its first SELECT 1 a client waits this long, then runs SELECT 1 again (an application pool's idle
    /// connection reused).
    public var idleSeconds: Double?
    /// The statement each client runs (default SELECT 1), in `database` when given.
    public var sql: String?
    public var database: String?
    /// A cluster failed over between the client's first login and its second (FailoverDBCluster, then the wait
    /// until the cluster's DNS answers the new writer).
    public var failover: String?
    /// A driver from before pluggable authentication (node's `mysql`) instead of libmariadb; password logins only.
    public var legacyClient = false
    /// Whether the client resolves the target's name once and keeps the address (a JVM's DNS cache, a pool
    /// holding the IP) instead of on every new connection.
    public var resolveOnce = false
    /// PostgreSQL: the startup packet's `options` (`-c search_path=app`), as libpq's `options` or PGOPTIONS send it.
    public var options: String?

    public init(
        target: String,
        user: String,
        iamRole: String? = nil,
        password: String? = nil,
        tls: Bool = true,
        caBundle: CABundle = .matching,
        clearText: Bool = true,
        tokenHost: String? = nil,
        tokenPort: Int? = nil,
        tokenRegion: String? = nil,
        tokenAgeSeconds: Double? = nil,
        from: String? = nil
    ) {
        self.target = target
        self.user = user
        self.iamRole = iamRole
        self.password = password
        self.tls = tls
        self.caBundle = caBundle
        self.clearText = clearText
        self.tokenHost = tokenHost
        self.tokenPort = tokenPort
        self.tokenRegion = tokenRegion
        self.tokenAgeSeconds = tokenAgeSeconds
        self.from = from
    }

    /// Its fields for `dump` and the like, the password redacted (`description` says what the probe does).
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "target": self.target, "user": self.user, "iamRole": self.iamRole as Any,
            "password": Redacted(self.password) as Any, "tls": self.tls,
            "caBundle": self.caBundle, "from": self.from as Any,
        ]
    }

    public var description: String {
        "\(self.target) as \(self.user)"
            + (self.iamRole.map { " with an IAM token signed as \($0)" } ?? " with a password")
            + (self.legacyClient ? " (a driver without authentication plugins)" : "")
            + (self.clearText ? "" : " (the clear-text plugin not enabled)")
            + (self.tls ? "" : " without TLS") + (self.from.map { " from \($0)" } ?? "")
            + (self.clients > 1 ? ", \(self.clients) clients at once" : "")
            + (self.inTransaction ? " each in a transaction" : "")
            + (self.idleSeconds.map { ", idle \($0) s between queries" } ?? "")
            + (self.failover.map {
                ", again after \($0) fails over" + (self.resolveOnce ? " to the address it resolved first" : "")
            } ?? "")
    }
}

/// What a probe found: whether it worked, and the text the customer sees.
public struct Observation: Sendable, Equatable {
    public var succeeded: Bool
    public var text: String
    public var mysqlError: UInt32?
    public var httpStatus: Int?
    public var targetState: String?
    public var targetReason: String?

    public init(
        succeeded: Bool,
        text: String,
        mysqlError: UInt32? = nil,
        httpStatus: Int? = nil,
        targetState: String? = nil,
        targetReason: String? = nil
    ) {
        self.succeeded = succeeded
        self.text = text
        self.mysqlError = mysqlError
        self.httpStatus = httpStatus
        self.targetState = targetState
        self.targetReason = targetReason
    }
}
