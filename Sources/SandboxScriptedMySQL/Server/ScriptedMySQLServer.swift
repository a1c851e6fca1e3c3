import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SandboxLifecycle
import SandboxMySQLNIO
import SandboxMySQLWire

/// A MySQL-compatible server that real clients log into unmodified: users and auth plugins, real SQL on
/// SQLite, scripted answers/errors/delays/drops, a query log, connection limits, TLS, kill, stop and restart.
public final class ScriptedMySQLServer: MySQLServerSessionFactory, ServerControl, StartableServer, Sendable {
    public let configuration: ScriptedMySQLConfiguration
    public let queryLog = QueryLog()
    let script = ScriptBook()
    /// The schemas, write locks and connection ids: the server's own, or its cluster's.
    public let volume: StorageVolume
    private let ownsVolume: Bool
    var catalog: Catalog { self.volume.catalog }
    /// One writing transaction per schema at a time; the others wait (innodb_lock_wait_timeout) or deadlock.
    var writeLocks: WriteLocks { self.volume.writeLocks }
    let defaultVariables: [String: String]
    private let tlsContext: NIOSSLContext?
    private let rsaKey: CachingSHA2RSA.KeyPair?
    let state = NIOLockedValueBox(State())

    /// Blocking SQLite work (busy waits, SLEEP()) runs here, never on event loops or the cooperative pool.
    private let blockingPool: NIOThreadPool
    /// Whether the pool is this server's own, stopped at `shutdown()` (else the sandbox's).
    private let ownsPool: Bool

    struct State {
        var listener: MySQLServerListener?
        /// One more listener per event loop of the group, each accepting onto its own loop (see `LoopLocalListeners`).
        var loopListeners: [MySQLServerListener] = []
        var listeners: [MySQLServerListener] { (self.listener.map { [$0] } ?? []) + self.loopListeners }
        var boundPort: Int?
        var sessions = 0
        var fastAuthCache: Set<String> = []
        var users: [String: MySQLUser] = [:]
        var requireSecureTransport = false
        var readOnly = false
        var commitObserver: (@Sendable (CommittedTransaction) -> Void)?
        /// Told each time the server stops listening (a crash, a restart's first half).
        var stopObserver: (@Sendable () -> Void)?
        /// The session that applies replicated transactions (connection 0: read-only does not bind it).
        var applier: SQLSession?
    }

    /// Why the latest connections or statements were refused (max_connections, a write on a reader), newest last.
    public var refusals: [String] { self.recentRefusals.all }
    private let recentRefusals = RecentRefusals()

    func refuse(_ reason: String) { self.recentRefusals.record(reason) }

    func refusedWrite(connectionID: UInt32) {
        self.refuse(
            "a write on connection \(connectionID) refused with 1290: this instance is a reader (innodb_read_only); "
                + "a client still on the address of a writer that failed over, or writing through a read-only "
                + "proxy endpoint?"
        )
    }

    /// One RSA key per process: generating a 2048-bit key takes tens of milliseconds.
    private static let sharedRSAKey = try? CachingSHA2RSA.KeyPair()

    public init(configuration: ScriptedMySQLConfiguration) throws {
        self.configuration = configuration
        self.volume = try configuration.volume ?? StorageVolume(directory: configuration.dataDirectory)
        self.ownsVolume = configuration.volume == nil
        self.ownsPool = configuration.threadPool == nil
        self.blockingPool = configuration.threadPool ?? Self.startedPool()
        self.tlsContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        self.rsaKey = Self.sharedRSAKey
        var variables = SystemVariables.defaults(version: configuration.serverVersion, port: configuration.port)
        variables["max_connections"] = String(configuration.maxConnections)
        variables["max_allowed_packet"] = String(configuration.maxPacketSize)
        variables["require_secure_transport"] = configuration.requireSecureTransport ? "ON" : "OFF"
        variables["have_ssl"] = configuration.tls == nil ? "DISABLED" : "YES"
        self.defaultVariables = variables
        self.state.withLockedValue {
            $0.users = Dictionary(configuration.users.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
            $0.requireSecureTransport = configuration.requireSecureTransport
            $0.readOnly = configuration.readOnly
        }
        for rule in configuration.rules { self.script.add(rule) }
    }

    public var host: String { self.configuration.host }
    /// The bound port (after `start()`).
    public var port: Int { self.state.withLockedValue { $0.boundPort } ?? self.configuration.port }
    public var isRunning: Bool { self.state.withLockedValue { $0.listener != nil } }
    public var connectionCount: Int { self.state.withLockedValue { $0.sessions } }
    public var connectionIDs: [UInt32] { self.state.withLockedValue { $0.listeners.flatMap(\.connectionIDs) } }

    /// Creates schemas and runs seed SQL (first start on the volume only), then listens.
    public func start() async throws {
        if self.volume.claimSeeding() {
            for database in self.configuration.databases { try self.catalog.create(database) }
            for (database, sql) in self.configuration.seedSQL { try self.apply(sql: sql, to: database) }
        }
        let port = self.state.withLockedValue { $0.boundPort } ?? self.configuration.port
        let (volume, host) = (self.volume, self.configuration.host)
        func bind(_ port: Int, on group: any EventLoopGroup) async throws -> MySQLServerListener {
            try await MySQLServerListener.bind(
                host: host,
                port: port,
                factory: self,
                front: self.configuration.connectionFront,
                connectionIDs: { volume.nextConnectionID() },
                group: group,
                logger: self.configuration.logger
            )
        }
        let (listener, loopListeners) = try await LoopLocalListeners.bind(host: host, port: port) {
            try await bind($0, on: $1)
        }
        self.state.withLockedValue {
            $0.listener = listener
            $0.loopListeners = loopListeners
            $0.boundPort = listener.port
        }
        self.configuration.logger.info(
            "scripted MySQL listening",
            metadata: ["mysql.address": "\(self.configuration.host):\(listener.port)"]
        )
    }

    /// Stops listening and drops every connection; data stays for `start()` (a restart on the same port).
    public func stop() async {
        let (listeners, port, observer) = self.state.withLockedValue {
            state -> ([MySQLServerListener], Int?, (@Sendable () -> Void)?) in
            defer {
                (state.listener, state.loopListeners) = (nil, [])
                state.fastAuthCache.removeAll()
            }
            return (state.listeners, state.listener?.port, state.listener == nil ? nil : state.stopObserver)
        }
        if let port { LoopLocalListeners.remove(host: self.configuration.host, port: port) }
        for listener in listeners { await listener.close() }
        observer?()
    }

    /// `observer` is called each time the server stops listening (nil: no longer).
    public func setStopObserver(_ observer: (@Sendable () -> Void)?) {
        self.state.withLockedValue { $0.stopObserver = observer }
    }

    public func restart() async throws {
        await self.stop()
        try await self.start()
    }

    /// Completes once `run()` has started the server (the bound port).
    public let listening = Readiness<Int>()

    /// Stops and releases everything, removing a temporary data directory (a shared volume's owner removes it).
    public func shutdown() async {
        await self.stop()
        if self.ownsVolume { self.volume.remove() }
        if self.ownsPool { try? await self.blockingPool.shutdownGracefully() }
    }

    /// A pool for blocking SQLite work: 16 threads, so that as many sessions may wait in a lock or SLEEP() at once.
    public static func startedPool() -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }

    /// Closes one connection, as `KILL <id>` does.
    @discardableResult
    public func kill(connectionID: UInt32) -> Bool {
        self.state.withLockedValue { $0.listeners }.contains { $0.kill(connectionID: connectionID) }
    }

    public func killAll() async {
        for listener in self.state.withLockedValue({ $0.listeners }) { await listener.killAll() }
    }

    public func addRule(_ rule: ScriptRule) { self.script.add(rule) }

    /// From now on statements are checked against `expectations` (before any rule); nil stops checking.
    public func expect(_ expectations: StatementExpectations?) { self.script.expect(expectations) }

    /// What the expectations missed or did not expect so far (empty: everything as expected).
    public var expectationFailures: [String] { self.script.expectationFailures }
    public func removeAllRules() { self.script.removeAll() }

    /// Adds or replaces an account (e.g. to rotate a password).
    public func setUser(_ user: MySQLUser) {
        self.state.withLockedValue {
            $0.users[user.name] = user
            $0.fastAuthCache.remove(user.name)
        }
    }

    public func setRequireSecureTransport(_ required: Bool) {
        self.state.withLockedValue { $0.requireSecureTransport = required }
    }

    /// Like an Aurora reader (innodb_read_only): statements that change data get 1290; a promoted reader is set
    /// writable.
    public func setReadOnly(_ readOnly: Bool) {
        self.state.withLockedValue { $0.readOnly = readOnly }
    }

    public var isReadOnly: Bool { self.state.withLockedValue { $0.readOnly } }

    /// Runs SQL (e.g. a fixture file's contents) in `database`, creating it if needed.
    public func load(sql: String, into database: String) async throws {
        try await self.blockingPool.runIfActive { try self.apply(sql: sql, to: database) }
    }

    public struct SeedError: Error, CustomStringConvertible {
        public var database: String
        public var statement: String
        public var error: ErrorPacket
        public var description: String {
            "seed SQL for '\(self.database)' failed at `\(self.statement.prefix(120))`: \(self.error)"
        }
    }

    // MARK: Internal

    private func apply(sql: String, to database: String) throws {
        try self.catalog.create(database)
        let session = SQLSession(connectionID: 0, catalog: self.catalog, server: self, variables: self.defaultVariables)
        defer { session.close() }
        try session.use(database)
        for statement in SQLText.statements(sql) {
            if case let .failure(error) = session.execute(statement) {
                throw SeedError(database: database, statement: statement, error: error)
            }
        }
    }

    public func accept(_ connection: MySQLConnectionInfo) -> Result<MySQLSessionSetup, ErrorPacket> {
        let (admitted, requireTLS) = self.state.withLockedValue { state -> (Bool, Bool) in
            guard state.sessions < self.configuration.maxConnections else {
                return (false, state.requireSecureTransport)
            }
            state.sessions += 1
            return (true, state.requireSecureTransport)
        }
        guard admitted else {
            self.refuse(
                "a connection from \(connection.remoteHost) refused with 1040: max_connections "
                    + "(\(self.configuration.maxConnections)) reached, "
                    + "\(self.connectionCount) connections open"
            )
            self.configuration.logger.info(
                "connection refused: max_connections reached",
                metadata: ["mysql.max_connections": "\(self.configuration.maxConnections)"]
            )
            return .failure(.tooManyConnections)
        }
        let sql = SQLSession(
            connectionID: connection.id,
            catalog: self.catalog,
            server: self,
            variables: self.defaultVariables
        )
        let machine = ServerConnectionStateMachine.Configuration(
            serverVersion: self.configuration.serverVersion,
            connectionID: connection.id,
            clientHost: connection.remoteHost,
            defaultAuthPlugin: self.configuration.defaultAuthPlugin,
            tlsAvailable: self.tlsContext != nil,
            insecureTransportError: requireTLS ? .insecureTransport : nil,
            rsaKey: self.rsaKey
        )
        let session = ScriptedSession(server: self, info: connection, sql: sql)
        return .success(
            MySQLSessionSetup(
                machine: machine,
                tls: self.tlsContext,
                session: session,
                maxPacketSize: self.configuration.maxPacketSize
            )
        )
    }

    func sessionClosed(_ id: UInt32) {
        self.state.withLockedValue { $0.sessions -= 1 }
    }

    func user(named name: String) -> MySQLUser? { self.state.withLockedValue { $0.users[name] } }
    func isFastAuthCached(_ name: String) -> Bool {
        !self.configuration.cachingSHA2RequiresFullAuthFirst
            || self.state.withLockedValue { $0.fastAuthCache.contains(name) }
    }
    func cacheFastAuth(_ name: String) { _ = self.state.withLockedValue { $0.fastAuthCache.insert(name) } }
    public func flushPrivileges() { self.state.withLockedValue { $0.fastAuthCache.removeAll() } }

    /// Starts blocking SQLite work off the event loops and the cooperative pool, without waiting for it (a stopping
    /// pool still runs it, on the thread that stops it).
    func startBlocking(_ work: @escaping @Sendable () -> Void) {
        self.blockingPool.submit { _ in work() }
    }

    /// Runs blocking SQLite work off the event loops and the cooperative pool.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        do {
            return try await self.blockingPool.runIfActive(work)
        } catch {
            return work()
        }
    }
}
