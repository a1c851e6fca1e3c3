import Foundation
import Logging
import NIOCore
import NIOSSL
import SandboxAWSCore
import SandboxAudit
import SandboxLifecycle
import SandboxMySQLNIO
import SandboxMySQLWire

/// Everything one RDS Proxy runs with: its control-plane record (auth entries, TLS, timeouts, pool settings),
/// where it listens, its target, the account it reads secrets from as its role, and its TLS identity.
public struct RDSProxyConfiguration: Sendable {
    /// The database the proxy logs into: a sandbox instance or any MySQL/MariaDB server.
    public struct Target: Sendable {
        /// The DB instance id (for target health), or nil for an external server.
        public var instanceID: String?
        public var host: String
        public var port: Int
        /// The target's max_connections: MaxConnectionsPercent is a share of it.
        public var maxConnections: Int
        /// Trust for TLS to the target (nil: plain).
        public var tls: MySQLConnection.TLS?
        /// The proxy ENI's loopback alias to connect from (security groups see the proxy).
        public var sourceAddress: String?

        public init(
            instanceID: String? = nil,
            host: String,
            port: Int,
            maxConnections: Int = 151,
            tls: MySQLConnection.TLS? = nil,
            sourceAddress: String? = nil
        ) {
            self.instanceID = instanceID
            self.host = host
            self.port = port
            self.maxConnections = maxConnections
            self.tls = tls
            self.sourceAddress = sourceAddress
        }
    }

    public var record: DBProxyRecord
    public var account: AccountState
    public var host: String
    public var port: Int
    /// The port clients name in IAM tokens (`<endpoint>:3306`), besides the one it really listens on.
    public var virtualPort: Int
    public var target: Target
    public var tls: TLSConfiguration?
    /// Client connections past this get 1040 "Number simultaneous connections exceeded".
    public var maxClientConnections: Int
    /// How long the proxy waits for its target to accept a connection.
    public var targetConnectTimeout: TimeAmount
    /// Runs first on every accepted client connection (the proxy's security groups).
    public var connectionFront: ConnectionFront?
    /// Who a client's address is in the VPC (a function's ENI), for the audit; nil where nobody is known.
    public var peerName: (@Sendable (String) -> String?)?
    /// Why the network keeps the proxy from a target, or nil when the path exists (the health check asks).
    public var reachability: (@Sendable (Target) -> String?)?
    /// How often target health is checked again.
    public var healthCheckInterval: Duration
    /// The time of idle-client timeouts, health checks and the borrow timeout (a test's `ManualClock`).
    public var clock: any SandboxClock = SystemClock()
    /// The DNS name clients dial and sign IAM tokens for: an additional endpoint's (CreateDBProxyEndpoint), or nil
    /// for the proxy's own.
    public var endpointName: String?
    /// Targets whose health each check records besides the target's own: a tracked cluster's other members.
    public var otherTargets: (@Sendable () -> [Target])?
    public var logger: Logger

    public init(
        record: DBProxyRecord,
        account: AccountState,
        host: String,
        port: Int = 0,
        virtualPort: Int = 3306,
        target: Target,
        tls: TLSConfiguration?,
        maxClientConnections: Int = 4_000,
        targetConnectTimeout: TimeAmount = .seconds(5),
        connectionFront: ConnectionFront? = nil,
        reachability: (@Sendable (Target) -> String?)? = nil,
        healthCheckInterval: Duration = .seconds(10),
        logger: Logger = SandboxLogging.defaultLogger(label: "cloudsandbox.rdsproxy")
    ) {
        self.reachability = reachability
        self.healthCheckInterval = healthCheckInterval
        self.record = record
        self.account = account
        self.host = host
        self.port = port
        self.virtualPort = virtualPort
        self.target = target
        self.tls = tls
        self.maxClientConnections = maxClientConnections
        self.targetConnectTimeout = targetConnectTimeout
        self.connectionFront = connectionFront
        self.logger = logger
    }
}

/// The errors RDS Proxy answers with, in its words.
extension ErrorPacket {
    public static let proxyRequiresTLS = ErrorPacket(
        code: 3159,
        sqlState: "HY000",
        message: "This RDS Proxy requires TLS connections."
    )
    public static let borrowTimeout = ErrorPacket(
        code: 9501,
        sqlState: "HY000",
        message: "Timed-out waiting to acquire database connection"
    )
    public static func proxyConnectionsExceeded(_ limit: Int) -> ErrorPacket {
        ErrorPacket(code: 1040, sqlState: "HY000", message: "Number simultaneous connections exceeded (\(limit))")
    }
}

extension RDSProxyConfiguration {
    /// How many target connections the pool may open: MaxConnectionsPercent of the target's max_connections.
    var poolLimit: Int { max(1, self.target.maxConnections * self.record.targetGroup.maxConnectionsPercent / 100) }
    /// How many may stay idle: MaxIdleConnectionsPercent of it.
    var idlePoolLimit: Int { self.target.maxConnections * self.record.targetGroup.maxIdleConnectionsPercent / 100 }

    /// Why a request got no target connection within ConnectionBorrowTimeout, for the audit: the pool's limits, and how
    /// many of its connections pinned sessions hold.
    func borrowTimeoutReason(pinned: Int) -> String {
        let group = self.record.targetGroup
        return
            "no target connection within ConnectionBorrowTimeout (\(group.connectionBorrowTimeout) s): all "
            + "\(self.poolLimit) the pool may open "
            + "(MaxConnectionsPercent \(group.maxConnectionsPercent)% of max_connections "
            + "\(self.target.maxConnections)) are in use"
            + (pinned == 0
                ? ""
                : "; \(pinned) of them held by pinned client sessions, each to its own connection until it "
                    + "disconnects (see the pinning log lines)")
    }

    /// The clients of `sessions` idle longer than IdleClientTimeout, each recorded in `audit` as closed.
    func idleClients<ID>(_ sessions: [ID: ContinuousClock.Instant?], audit: ProxyAudit) -> [ID] {
        let limit = self.record.idleClientTimeout
        let now = self.clock.now
        let idle = sessions.filter { _, since in since.map { now - $0 > .seconds(limit) } ?? false }.map(\.key)
        for id in idle {
            audit.record(
                user: "-",
                outcome: "closed",
                reason: "client connection \(id) closed: idle longer than IdleClientTimeout (\(limit) s)"
            )
        }
        return idle
    }
}
