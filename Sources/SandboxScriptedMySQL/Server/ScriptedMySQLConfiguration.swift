import Logging
import NIOPosix
import NIOSSL
import SandboxAudit
import SandboxLifecycle
import SandboxMySQLNIO
import SandboxMySQLWire

/// How a scripted MySQL server starts.
public struct ScriptedMySQLConfiguration: Sendable {
    public var host: String
    /// 0 picks an ephemeral port; a restart keeps the port first bound.
    public var port: Int
    public var serverVersion: String
    public var users: [MySQLUser]
    /// Schemas created at first start.
    public var databases: [String]
    /// SQL run at first start, each in its schema (e.g. the contents of a Fixtures/*.sql file).
    public var seedSQL: [(database: String, sql: String)]
    /// Like `max_connections`: one more connection is refused with 1040 Too many connections.
    public var maxConnections: Int
    /// Like `require_secure_transport=ON`: plain connections are refused with 3159.
    public var requireSecureTransport: Bool
    /// The certificate the server presents on TLS upgrade; `nil` offers no TLS.
    public var tls: TLSConfiguration?
    public var rules: [ScriptRule]
    public var defaultAuthPlugin: MySQLAuthPlugin
    /// Like MySQL, caching_sha2_password needs one full authentication per user before the fast path works.
    public var cachingSHA2RequiresFullAuthFirst: Bool
    /// Where schema files live; `nil` uses a new temporary directory, removed at shutdown.
    public var dataDirectory: String?
    /// A volume shared with other servers (an Aurora-style cluster); it wins over `dataDirectory`.
    public var volume: StorageVolume?
    /// Starts as a reader: statements that change data get 1290 until `setReadOnly(false)`.
    public var readOnly: Bool
    public var maxPacketSize: Int
    /// Runs first for every accepted connection (the virtual network's security groups and faults).
    public var connectionFront: ConnectionFront?
    /// Where blocking SQLite work runs (busy waits, SLEEP()), never on event loops or the cooperative pool: the
    /// sandbox's pool, shared by its instances for its lifetime; nil: the server starts one and stops it at shutdown.
    public var threadPool: NIOThreadPool?
    public var logger: Logger

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        serverVersion: String = "8.0.36",
        users: [MySQLUser] = [],
        databases: [String] = [],
        seedSQL: [(database: String, sql: String)] = [],
        maxConnections: Int = 151,
        requireSecureTransport: Bool = false,
        tls: TLSConfiguration? = nil,
        rules: [ScriptRule] = [],
        defaultAuthPlugin: MySQLAuthPlugin = .cachingSHA2Password,
        cachingSHA2RequiresFullAuthFirst: Bool = true,
        dataDirectory: String? = nil,
        volume: StorageVolume? = nil,
        readOnly: Bool = false,
        maxPacketSize: Int = 64 * 1024 * 1024,
        connectionFront: ConnectionFront? = nil,
        logger: Logger = SandboxLogging.defaultLogger(label: "cloudsandbox.mysql")
    ) {
        self.host = host
        self.port = port
        self.serverVersion = serverVersion
        self.users = users
        self.databases = databases
        self.seedSQL = seedSQL
        self.maxConnections = maxConnections
        self.requireSecureTransport = requireSecureTransport
        self.tls = tls
        self.rules = rules
        self.defaultAuthPlugin = defaultAuthPlugin
        self.cachingSHA2RequiresFullAuthFirst = cachingSHA2RequiresFullAuthFirst
        self.dataDirectory = dataDirectory
        self.volume = volume
        self.readOnly = readOnly
        self.maxPacketSize = maxPacketSize
        self.connectionFront = connectionFront
        self.logger = logger
    }
}
