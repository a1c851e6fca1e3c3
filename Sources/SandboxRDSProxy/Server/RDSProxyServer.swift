import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SandboxAWSCore
import SandboxLifecycle
import SandboxMySQLNIO
import SandboxMySQLWire

/// An RDS Proxy: a MySQL listener that authenticates clients as RDS Proxy does and multiplexes them over a
/// bounded pool of connections to its target, logged in with the secrets it reads as its role.
public final class RDSProxyServer: MySQLServerSessionFactory, ListeningService, Sendable {
    /// What the proxy reports about itself (CloudWatch's ClientConnections, DatabaseConnections, ...).
    public struct Statistics: Sendable, Equatable, Codable {
        public var clientConnections: Int
        public var databaseConnections: Int
        public var idleDatabaseConnections: Int
        public var pinnedClients: Int
        public var borrowWaits: Int
        public var borrowTimeouts: Int
        /// Bytes of relayed results queued for clients and not yet written to their sockets (bounded per client).
        public var queuedClientBytes: Int
    }

    private struct State {
        var listener: MySQLServerListener?
        var sessions: [UInt32: ProxySession] = [:]
    }

    public let configuration: RDSProxyConfiguration
    public let audit: ProxyAudit
    let authenticator: ProxyAuthenticator
    let credentials: ProxyCredentials
    let pool: BackendPool<MySQLConnection>
    let metrics = ProxyMetrics()
    let excludeVariableSets: Bool
    /// Where target connections go (the configured target, or a cluster's writer after failover), and its health.
    let following: TargetFollower
    private let tlsContext: NIOSSLContext?
    private let state = NIOLockedValueBox(State())
    /// Completes once `run()` accepts clients (the bound port).
    public let listening = Readiness<Int>()
    private let loop = ProxyRunLoop()
    private static let rsaKey = try? CachingSHA2RSA.KeyPair()

    public init(configuration: RDSProxyConfiguration) throws {
        self.configuration = configuration
        let record = configuration.record
        var logger = configuration.logger
        logger[metadataKey: "rdsproxy.name"] = "\(record.name)"
        if let endpoint = configuration.endpointName { logger[metadataKey: "rdsproxy.endpoint"] = "\(endpoint)" }
        self.audit = ProxyAudit(logger: logger)
        self.credentials = ProxyCredentials(record: record, account: configuration.account, logger: logger)
        self.authenticator = ProxyAuthenticator(
            record: record,
            endpoint: configuration.endpointName,
            account: configuration.account,
            credentials: self.credentials,
            virtualPort: configuration.virtualPort,
            audit: self.audit,
            logger: logger
        )
        self.tlsContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        self.excludeVariableSets = record.targetGroup.sessionPinningFilters.contains("EXCLUDE_VARIABLE_SETS")
        let group = record.targetGroup
        let credentials = self.credentials
        let currentTarget = CurrentTarget(configuration)
        let timeout = configuration.targetConnectTimeout
        self.pool = BackendPool(
            .init(
                maxConnections: configuration.poolLimit,
                maxIdle: configuration.idlePoolLimit,
                borrowTimeout: .seconds(group.connectionBorrowTimeout)
            ),
            clock: configuration.clock
        ) { user, eventLoop in
            // Each new target connection reads the secrets again: a rotated password is picked up here.
            guard let login = credentials.refresh().logins[user] else { throw ProxyFailure.noCredentials(user) }
            let target = currentTarget.value
            let connection = try await Self.connectRetryingWhileFull(
                target,
                login: login,
                timeout: timeout,
                on: eventLoop
            )
            if let initQuery = group.initQuery { _ = try await connection.query(initQuery) }
            return connection
        }
        self.following = TargetFollower(
            current: currentTarget,
            health: Self.healthChecks(configuration, credentials: self.credentials),
            gate: self.pool
        )
    }

    public var port: Int { self.state.withLockedValue { $0.listener?.port } ?? self.configuration.port }

    /// The target connections go to now.
    public var target: RDSProxyConfiguration.Target { self.following.target }

    /// The target is failing over (RDS Proxy's failover handling): client connections stay open, statements in flight
    /// on the old writer fail as its connections drop, new requests wait (up to ConnectionBorrowTimeout, then 9501)
    /// and the target shows UNAVAILABLE until `retarget(_:)`. A read-only endpoint waits so for a reader.
    public func targetFailingOver() {
        self.following.failingOver()
    }

    /// Whether requests wait for a target (`targetFailingOver()` until `retarget(_:)`).
    public var isWaitingForTarget: Bool { self.following.isWaiting }

    /// The new target (a new writer, or another reader): connections open to it and waiting requests go on.
    public func retarget(_ target: RDSProxyConfiguration.Target) async {
        await self.following.move(to: target)
    }

    /// Binds the listener, checks the target's health, and says so through `listening`; then runs the pool (its
    /// connection opens), closes idle clients and checks the target's health every `healthCheckInterval` until
    /// graceful shutdown, cancellation or `stop()`, and closes the listener and the pool.
    public func run() async throws {
        defer { self.loop.finish() }
        let listener: MySQLServerListener
        do {
            listener = try await MySQLServerListener.bind(
                host: self.configuration.host,
                port: self.configuration.port,
                factory: self,
                front: self.configuration.connectionFront,
                logger: self.configuration.logger
            )
        } catch {
            self.listening.fail(error)
            throw error
        }
        self.authenticator.listening(on: listener.port)
        self.state.withLockedValue { $0.listener = listener }
        await self.checkTargetHealth()
        self.listening.succeed(listener.port)
        await self.loop.serve(
            pool: self.pool,
            idleClientTimeout: self.configuration.record.idleClientTimeout,
            clock: self.configuration.clock,
            tick: {
                self.closeIdleClients()
                await self.following.checkWhenDue()
            },
            closeListener: { await listener.close() }
        )
    }

    /// Ends `run()` and waits until it has closed everything (an endpoint deleted while the sandbox runs).
    public func stop() async { await self.loop.stop() }

    public func accept(_ connection: MySQLConnectionInfo) -> Result<MySQLSessionSetup, ErrorPacket> {
        let limit = self.configuration.maxClientConnections
        let session = ProxySession(server: self, info: connection)
        let admitted = self.state.withLockedValue { state -> Bool in
            guard state.sessions.count < limit else { return false }
            state.sessions[connection.id] = session
            return true
        }
        guard admitted else {
            connection.logger(from: self.configuration.logger).info(
                "client refused: the proxy's connection limit is reached",
                metadata: ["rdsproxy.limit": "\(limit)"]
            )
            return .failure(.proxyConnectionsExceeded(limit))
        }
        let machine = ServerConnectionStateMachine.Configuration(
            serverVersion: "8.0.28",
            connectionID: connection.id,
            clientHost: "%",
            defaultAuthPlugin: .nativePassword,
            tlsAvailable: self.tlsContext != nil,
            insecureTransportError: self.configuration.record.requireTLS ? .proxyRequiresTLS : nil,
            rsaKey: Self.rsaKey
        )
        return .success(MySQLSessionSetup(machine: machine, tls: self.tlsContext, session: session))
    }

    func sessionClosed(_ id: UInt32) {
        self.state.withLockedValue { _ = $0.sessions.removeValue(forKey: id) }
        self.metrics.forget(id)
    }

    /// Client and database connection counts, pinning and borrow waits.
    public func statistics() async -> Statistics {
        let pool = self.pool.metrics
        let sessions = self.state.withLockedValue { Array($0.sessions.values) }
        return Statistics(
            clientConnections: sessions.count,
            databaseConnections: pool.open,
            idleDatabaseConnections: pool.idle,
            pinnedClients: self.metrics.pinned,
            borrowWaits: pool.borrowWaits,
            borrowTimeouts: pool.borrowTimeouts,
            queuedClientBytes: sessions.reduce(0) { $0 + $1.queuedBytes }
        )
    }

    /// Closes every client connection (a listener taken down); the proxy keeps accepting.
    public func closeAllClients() async {
        await self.state.withLockedValue { $0.listener }?.killAll()
    }

    /// The secrets of the proxy's auth entries that it cannot use now (read again), by ARN, with why.
    public var unusableSecrets: [String: String] { self.credentials.refresh().failures }

    /// A request that got 9501, with the pool's limits that made it wait.
    func auditBorrowTimeout(user: String) {
        self.audit.record(
            user: user,
            outcome: "refused",
            reason: self.configuration.borrowTimeoutReason(pinned: self.metrics.pinned)
        )
    }

    private func closeIdleClients() {
        let (listener, sessions) = self.state.withLockedValue { state in
            (state.listener, state.sessions.mapValues(\.idleSince))
        }
        for id in self.configuration.idleClients(sessions, audit: self.audit) {
            self.configuration.logger.info(
                "closing idle client",
                metadata: [
                    "mysql.connection_id": "\(id)",
                    "rdsproxy.idle_client_timeout": "\(self.configuration.record.idleClientTimeout)",
                ]
            )
            listener?.kill(connectionID: id)
        }
    }

    /// `connect`, retried for up to a second while the target answers 1040: a connection the pool just closed
    /// may still count on the target's side for a moment.
    static func connectRetryingWhileFull(
        _ target: RDSProxyConfiguration.Target,
        login: ProxyCredentials.Login,
        timeout: TimeAmount,
        on eventLoop: (any EventLoop)? = nil
    ) async throws -> MySQLConnection {
        for _ in 0..<20 {
            do {
                return try await Self.connect(target, login: login, timeout: timeout, on: eventLoop)
            } catch let MySQLClientError.server(error) where error.code == 1040 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return try await Self.connect(target, login: login, timeout: timeout, on: eventLoop)
    }

    /// A connection to the target as `login`, from the proxy's ENI.
    static func connect(
        _ target: RDSProxyConfiguration.Target,
        login: ProxyCredentials.Login,
        timeout: TimeAmount,
        on eventLoop: (any EventLoop)? = nil
    ) async throws -> MySQLConnection {
        func connect(to port: Int) async throws -> MySQLConnection {
            try await MySQLConnection.connect(
                host: target.host,
                port: port,
                configuration: .init(
                    username: login.username,
                    password: login.password,
                    tls: target.tls == nil ? .disabled : .required
                ),
                tls: target.tls,
                sourceAddress: try target.sourceAddress.map { try SocketAddress(ipAddress: $0, port: 0) },
                connectTimeout: timeout,
                group: eventLoop ?? MultiThreadedEventLoopGroup.singleton
            )
        }
        // An in-process target listening on the caller's loop too takes the connection there.
        return try await LoopLocalListeners.connect(
            host: target.host,
            port: target.port,
            on: eventLoop,
            isRefusal: { if case MySQLClientError.server = $0 { true } else { false } },
            connect(to:)
        )
    }
}

enum ProxyFailure: Error, CustomStringConvertible {
    case noCredentials(String)
    var description: String {
        switch self {
        case let .noCredentials(user): "the proxy has no readable secret for '\(user)'"
        }
    }
}
