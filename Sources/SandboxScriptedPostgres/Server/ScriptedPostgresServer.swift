import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SandboxLifecycle
import SandboxPostgresNIO
import SandboxPostgresWire

/// A PostgreSQL-compatible server that real clients (libpq and psql, psycopg2, pg8000, JDBC, postgres-nio) log into
/// unmodified: SCRAM-SHA-256, MD5 and cleartext accounts, TLS, real SQL on SQLite in PostgreSQL's dialect, the simple
/// and extended query protocols, `max_connections`, a query log, kill, stop and restart.
public final class ScriptedPostgresServer: PostgresServerSessionFactory, StartableServer, Sendable {
    public let configuration: ScriptedPostgresConfiguration
    public let queryLog = PostgresQueryLog()
    /// Completes once `run()` has started the server (the bound port).
    public let listening = Readiness<Int>()
    let directory: URL
    private let ownsDirectory: Bool
    private let tlsContext: NIOSSLContext?
    private let blockingPool: NIOThreadPool
    private let state = NIOLockedValueBox(State())

    struct State {
        /// The server's address first, then the per-loop ones.
        var listeners: [PostgresServerListener] { (self.listener.map { [$0] } ?? []) + self.loopListeners }

        var listener: PostgresServerListener?
        /// One more listener per event loop of the group, each accepting onto its own loop (see `LoopLocalListeners`).
        var loopListeners: [PostgresServerListener] = []
        var boundPort: Int?
        var sessions = 0
        var users: [String: PostgresUser] = [:]
        var databases: Set<String> = ["postgres"]
        var seeded = false
        var readOnly = false
        /// Told each time the server stops listening (a crash, a restart's first half).
        var stopObserver: (@Sendable () -> Void)?
        var nextProcessID: Int32 = 1000
        /// Secret keys and cancel hooks of the running sessions, by process id.
        var cancellers: [Int32: (secretKey: Int32, cancel: @Sendable () -> Void)] = [:]
    }

    /// Why the latest logins were refused, in more words than the client gets (a wrong password, an IAM token a user
    /// not in rds_iam sent), newest last. Never a password or token.
    public var refusals: [String] { self.recentRefusals.all }
    private let recentRefusals = RecentRefusals()

    func refuse(_ reason: String) { self.recentRefusals.record(reason) }

    public init(configuration: ScriptedPostgresConfiguration) throws {
        self.configuration = configuration
        if let path = configuration.dataDirectory {
            self.directory = URL(fileURLWithPath: path)
            self.ownsDirectory = false
        } else {
            self.directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "scripted-postgres-\(UUID().uuidString)"
            )
            self.ownsDirectory = true
        }
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.tlsContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        self.blockingPool = NIOThreadPool(numberOfThreads: 8)
        self.blockingPool.start()
        self.state.withLockedValue { state in
            state.users = Dictionary(configuration.users.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
            state.databases.formUnion(configuration.databases)
            state.databases.formUnion(configuration.seedSQL.map(\.database))
            state.readOnly = configuration.readOnly
        }
    }

    public var host: String { self.configuration.host }
    public var port: Int { self.state.withLockedValue { $0.boundPort } ?? self.configuration.port }
    public var isRunning: Bool { self.state.withLockedValue { $0.listener != nil } }
    public var connectionCount: Int { self.state.withLockedValue { $0.sessions } }
    public var processIDs: [Int32] { self.state.withLockedValue { $0.listeners.flatMap(\.processIDs) } }

    /// Runs the seed SQL (first start only), then listens.
    public func start() async throws {
        let seed = self.state.withLockedValue { state -> Bool in
            defer { state.seeded = true }
            return !state.seeded
        }
        if seed {
            for (database, sql) in self.configuration.seedSQL { try await self.load(sql: sql, into: database) }
        }
        let host = self.configuration.host
        func bind(_ port: Int, on group: any EventLoopGroup) async throws -> PostgresServerListener {
            try await PostgresServerListener.bind(
                host: host,
                port: port,
                factory: self,
                front: self.configuration.connectionFront,
                processIDs: { [state] in
                    state.withLockedValue {
                        $0.nextProcessID += 1
                        return $0.nextProcessID
                    }
                },
                group: group,
                logger: self.configuration.logger
            )
        }
        let (listener, loopListeners) = try await LoopLocalListeners.bind(host: host, port: self.port) {
            try await bind($0, on: $1)
        }
        self.state.withLockedValue {
            $0.listener = listener
            $0.loopListeners = loopListeners
            $0.boundPort = listener.port
        }
        self.configuration.logger.info(
            "scripted PostgreSQL listening",
            metadata: ["postgres.address": "\(host):\(listener.port)"]
        )
    }

    /// Stops listening and drops every connection; data stays for `start()`.
    public func stop() async {
        let (listeners, port, observer) = self.state.withLockedValue {
            state -> ([PostgresServerListener], Int?, (@Sendable () -> Void)?) in
            defer { (state.listener, state.loopListeners) = (nil, []) }
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

    /// Like an Aurora PostgreSQL reader (a hot standby): statements that write get 25006; a promoted reader is set
    /// writable. Sessions open now see the change at their next statement.
    public func setReadOnly(_ readOnly: Bool) {
        self.state.withLockedValue { $0.readOnly = readOnly }
    }

    public var isReadOnly: Bool { self.state.withLockedValue { $0.readOnly } }

    public func restart() async throws {
        await self.stop()
        try await self.start()
    }

    /// Stops and releases everything, removing a temporary data directory.
    public func shutdown() async {
        await self.stop()
        try? await self.blockingPool.shutdownGracefully()
        if self.ownsDirectory { try? FileManager.default.removeItem(at: self.directory) }
    }

    /// Closes one connection, as `pg_terminate_backend(pid)` does.
    @discardableResult
    public func kill(processID: Int32) -> Bool {
        self.state.withLockedValue { $0.listeners }.contains { $0.kill(processID: processID) }
    }

    public func killAll() async {
        for listener in self.state.withLockedValue({ $0.listeners }) { await listener.killAll() }
    }

    /// Adds or replaces an account (to rotate a password).
    public func setUser(_ user: PostgresUser) {
        self.state.withLockedValue { $0.users[user.name] = user }
    }

    /// Runs SQL (a schema, fixture rows) in `database`, creating it if needed.
    public func load(sql: String, into database: String) async throws {
        self.state.withLockedValue { _ = $0.databases.insert(database) }
        try await self.blockingPool.runIfActive {
            let session = try self.openSQL(
                user: "postgres",
                database: database,
                processID: 0,
                settings: self.sessionSettings(user: "postgres", tls: false)
            )
            for statement in PostgresSQLText.statements(sql) { _ = try session.run(statement) }
        }
    }

    // MARK: Sessions

    public func accept(_ connection: PostgresConnectionInfo) -> PostgresSessionSetup {
        let machine = PostgresServerStateMachine.Configuration(
            tlsAvailable: self.tlsContext != nil,
            processID: connection.processID,
            secretKey: connection.secretKey
        )
        return PostgresSessionSetup(
            machine: machine,
            tls: self.tlsContext,
            session: ScriptedPostgresSession(server: self, info: connection)
        )
    }

    public func cancel(processID: Int32, secretKey: Int32) {
        let canceller = self.state.withLockedValue { $0.cancellers[processID] }
        guard let canceller, canceller.secretKey == secretKey else { return }
        canceller.cancel()
    }

    /// Admits one more session, or says why not (53300).
    func admit() -> Bool {
        self.state.withLockedValue { state in
            guard state.sessions < self.configuration.maxConnections else { return false }
            state.sessions += 1
            return true
        }
    }

    func sessionEnded(processID: Int32, admitted: Bool) {
        self.state.withLockedValue { state in
            if admitted { state.sessions -= 1 }
            state.cancellers[processID] = nil
        }
    }

    func registerCancel(processID: Int32, secretKey: Int32, _ cancel: @escaping @Sendable () -> Void) {
        self.state.withLockedValue { $0.cancellers[processID] = (secretKey, cancel) }
    }

    func user(named name: String) -> PostgresUser? { self.state.withLockedValue { $0.users[name] } }
    func databaseExists(_ name: String) -> Bool { self.state.withLockedValue { $0.databases.contains(name) } }

    /// The run-time parameters a session of `user` starts with (before its startup parameters).
    func sessionSettings(user: String, tls: Bool) -> SessionSettings {
        SessionSettings(
            serverVersion: self.configuration.serverVersion,
            user: user,
            superuser: self.user(named: user)?.superuser ?? (user == "postgres"),
            maxConnections: self.configuration.maxConnections,
            port: self.port,
            tls: tls,
            readOnly: self.isReadOnly
        )
    }

    /// `database`'s SQLite file, opened for one session with `settings`.
    func openSQL(
        user: String,
        database: String,
        processID: Int32,
        settings: SessionSettings
    ) throws(PostgresError) -> PostgresSQLSession {
        let path = self.directory.appendingPathComponent("\(database).sqlite").path
        let readOnly: @Sendable () -> Bool = { [state] in state.withLockedValue { $0.readOnly } }
        let functions = PostgresFunctions.register(
            version: self.configuration.serverVersion,
            processID: processID,
            readOnly: readOnly
        )
        let catalog = PostgresCatalog.install(
            owner: self.configuration.users.first { $0.superuser }?.name ?? self.configuration.users.first?.name ?? user
        )
        return try PostgresSQLSession(
            path: path,
            user: user,
            database: database,
            settings: settings,
            readOnly: readOnly,
            functions: {
                functions($0)
                catalog($0)
            }
        )
    }

    /// Runs blocking SQLite work off the event loops and the cooperative pool.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        do { return try await self.blockingPool.runIfActive(work) } catch { return work() }
    }
}
