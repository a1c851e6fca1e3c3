import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SandboxAWSCore
import SandboxLifecycle
import SandboxPostgresNIO
import SandboxPostgresWire

/// An RDS Proxy for PostgreSQL (EngineFamily POSTGRESQL): a PostgreSQL listener that authenticates clients as RDS
/// Proxy does (IAM tokens over TLS, SCRAM-SHA-256 or MD5 against the secrets) and multiplexes them at transaction
/// boundaries over a bounded pool of target connections, one pool per user and database, pinning a session where
/// RDS Proxy does.
public final class PostgresProxyServer: PostgresServerSessionFactory, ListeningService, FailoverFollowing, Sendable {
    private struct State {
        var listener: PostgresServerListener?
        var sessions: [Int32: PostgresProxySession] = [:]
        var nextProcessID: Int32 = 0
        /// The target's ParameterStatus values, from the latest connection opened to it (server_version, ...).
        var targetParameters: [String: String] = [:]
    }

    public let configuration: RDSProxyConfiguration
    public let audit: ProxyAudit
    let authenticator: ProxyAuthenticator
    let credentials: ProxyCredentials
    let pool: BackendPool<PostgresClientConnection>
    let metrics = ProxyMetrics()
    /// Where target connections go (the configured target, or a cluster's writer after failover), and its health.
    let following: TargetFollower
    private let tlsContext: NIOSSLContext?
    private let state = NIOLockedValueBox(State())
    /// Completes once `run()` accepts clients (the bound port).
    public let listening = Readiness<Int>()
    private let loop = ProxyRunLoop()

    /// The startup parameters RDS Proxy accepts from a PostgreSQL client, lower-cased (names are case-insensitive, and
    /// lib/pq sends `datestyle`); any other is refused.
    static let acceptedStartupParameters: Set<String> = [
        "user", "database", "application_name", "client_encoding", "datestyle", "timezone",
        "extra_float_digits", "search_path",
    ]

    public init(configuration: RDSProxyConfiguration) throws {
        self.configuration = configuration
        let record = configuration.record
        var logger = configuration.logger
        logger[metadataKey: "rdsproxy.name"] = "\(record.name)"
        let audit = ProxyAudit(logger: logger)
        self.audit = audit
        let credentials = ProxyCredentials(record: record, account: configuration.account, logger: logger)
        self.credentials = credentials
        self.authenticator = ProxyAuthenticator(
            record: record,
            endpoint: configuration.endpointName,
            account: configuration.account,
            credentials: credentials,
            virtualPort: configuration.virtualPort,
            audit: audit,
            logger: logger
        )
        self.tlsContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let group = record.targetGroup
        let currentTarget = CurrentTarget(configuration)
        let timeout = configuration.targetConnectTimeout
        let state = self.state
        // A health check's login also learns the target's ParameterStatus values (server_version, ...) for clients.
        let health = TargetHealthChecks(
            configuration: configuration,
            credentials: credentials,
            login: { target, login in
                let connection = try await Self.connect(target, login: login, database: "postgres", timeout: timeout)
                state.withLockedValue { $0.targetParameters = connection.parameters }
                await connection.close()
            },
            authFailure: { error in
                guard let refusal = (error as? PostgresClientError)?.serverError, refusal.sqlState.hasPrefix("28")
                else { return nil }
                return refusal.message
            }
        )
        self.pool = BackendPool(
            .init(
                maxConnections: configuration.poolLimit,
                maxIdle: configuration.idlePoolLimit,
                borrowTimeout: .seconds(group.connectionBorrowTimeout)
            ),
            clock: configuration.clock
        ) { key, eventLoop in
            let (user, database) = Self.split(key)
            // Each new target connection reads the secrets again: a rotated password is picked up here.
            guard let login = credentials.refresh().logins[user] else { throw ProxyFailure.noCredentials(user) }
            let connection = try await Self.connect(
                currentTarget.value,
                login: login,
                database: database,
                timeout: timeout,
                on: eventLoop
            )
            state.withLockedValue { $0.targetParameters = connection.parameters }
            // The target group's InitQuery runs on every connection the proxy opens (SET statements among them).
            if let initQuery = group.initQuery {
                for case let .error(error) in try await connection.query(initQuery) {
                    await connection.close()
                    throw PostgresClientError.login(.server(error))
                }
            }
            return connection
        }
        self.following = TargetFollower(current: currentTarget, health: health, gate: self.pool)
    }

    public var port: Int { self.state.withLockedValue { $0.listener?.port } ?? self.configuration.port }

    public var target: RDSProxyConfiguration.Target { self.following.target }

    public func targetFailingOver() { self.following.failingOver() }

    public var isWaitingForTarget: Bool { self.following.isWaiting }

    public func retarget(_ target: RDSProxyConfiguration.Target) async { await self.following.move(to: target) }

    /// Checks the target as the proxy sees it (credentials, network path, a login with the secret) and records it
    /// with the account, for DescribeDBProxyTargets; then the other targets.
    @discardableResult
    public func checkTargetHealth() async -> TargetHealth {
        await self.following.check()
    }

    /// The pool's key for a user's connections to one database: a PostgreSQL connection is logged into one database.
    static func key(user: String, database: String) -> String { "\(user)\u{0}\(database)" }

    static func split(_ key: String) -> (user: String, database: String) {
        let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : String(parts[0]))
    }

    /// Binds, checks the target's health (a login that learns its server_version), and says so through `listening`;
    /// then runs the pool, closes idle clients and checks the target every `healthCheckInterval` until graceful
    /// shutdown, cancellation or `stop()`.
    public func run() async throws {
        defer { self.loop.finish() }
        let listener: PostgresServerListener
        do {
            listener = try await PostgresServerListener.bind(
                host: self.configuration.host,
                port: self.configuration.port,
                factory: self,
                front: self.configuration.connectionFront,
                processIDs: { [state] in
                    state.withLockedValue {
                        $0.nextProcessID += 1
                        return $0.nextProcessID
                    }
                },
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

    /// Ends `run()` and waits until it has closed everything.
    public func stop() async { await self.loop.stop() }

    // MARK: Sessions

    public func accept(_ connection: PostgresConnectionInfo) -> PostgresSessionSetup {
        let session = PostgresProxySession(server: self, info: connection)
        let machine = PostgresServerStateMachine.Configuration(
            tlsAvailable: self.tlsContext != nil,
            processID: connection.processID,
            secretKey: connection.secretKey,
            unsupportedVersion: { _, _ in
                PostgresError(
                    .fatal,
                    "08P01",
                    "Feature not supported: RDS Proxy supports only version 3.0 of the PostgreSQL messaging protocol."
                )
            },
            missingUser: PostgresError(
                .fatal,
                "28000",
                "A user name is missing from the connection startup packet. Provide a user name for this connection."
            )
        )
        return PostgresSessionSetup(machine: machine, tls: self.tlsContext, session: session)
    }

    /// A client's CancelRequest: relayed to the target connection that client's command runs on (if its key matches).
    public func cancel(processID: Int32, secretKey: Int32) {
        guard let session = self.state.withLockedValue({ $0.sessions[processID] }) else { return }
        Task { await session.cancelRunning(secretKey) }
    }

    /// Admits a logged-in session, or says no past MaxClientConnections.
    func admit(_ session: PostgresProxySession, processID: Int32) -> Bool {
        self.state.withLockedValue { state in
            guard state.sessions.count < self.configuration.maxClientConnections else { return false }
            state.sessions[processID] = session
            return true
        }
    }

    func sessionClosed(_ processID: Int32) {
        self.state.withLockedValue { _ = $0.sessions.removeValue(forKey: processID) }
        self.metrics.forget(UInt32(bitPattern: processID))
    }

    /// What the target reported at login, for the clients' ParameterStatus (server_version, server_encoding, ...).
    var targetParameters: [String: String] { self.state.withLockedValue { $0.targetParameters } }

    /// Client and database connection counts, pinning and borrow waits.
    public func statistics() -> RDSProxyServer.Statistics {
        let pool = self.pool.metrics
        return .init(
            clientConnections: self.state.withLockedValue { $0.sessions.count },
            databaseConnections: pool.open,
            idleDatabaseConnections: pool.idle,
            pinnedClients: self.metrics.pinned,
            borrowWaits: pool.borrowWaits,
            borrowTimeouts: pool.borrowTimeouts,
            queuedClientBytes: 0
        )
    }

    /// A request that got "Timed-out waiting to acquire database connection.", with the limits that made it wait.
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
        for id in self.configuration.idleClients(sessions, audit: self.audit) { listener?.kill(processID: id) }
    }

    /// A connection to the target as `login`, from the proxy's ENI, into `database` (nil: the user's name).
    static func connect(
        _ target: RDSProxyConfiguration.Target,
        login: ProxyCredentials.Login,
        database: String?,
        timeout: TimeAmount,
        on eventLoop: (any EventLoop)? = nil
    ) async throws -> PostgresClientConnection {
        func connect(to port: Int) async throws -> PostgresClientConnection {
            try await PostgresClientConnection.connect(
                host: target.host,
                port: port,
                configuration: .init(user: login.username, password: login.password, database: database),
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
            isRefusal: { $0 is PostgresClientError },
            connect(to:)
        )
    }
}
