import Logging
import NIOSSL
import SandboxLifecycle

/// How a scripted PostgreSQL server runs: where it listens, its accounts, databases and seed SQL, TLS, limits.
public struct ScriptedPostgresConfiguration: Sendable {
    public var host: String
    /// 0 asks for an ephemeral port.
    public var port: Int
    public var serverVersion: String
    public var users: [PostgresUser]
    /// Databases that exist at start (`postgres` always does).
    public var databases: [String]
    /// SQL run once into a database at first start (its schema and rows).
    public var seedSQL: [(database: String, sql: String)]
    public var tls: TLSConfiguration?
    /// Like `hostssl`-only `pg_hba.conf` lines: a connection without TLS is refused (28000).
    public var requireTLS: Bool
    /// `max_connections`: the next login gets 53300 "sorry, too many clients already".
    public var maxConnections: Int
    /// Like a hot standby (an Aurora reader): statements that write get 25006.
    public var readOnly: Bool
    /// Where the databases' SQLite files live; nil makes a temporary folder removed at shutdown.
    public var dataDirectory: String?
    public var connectionFront: ConnectionFront?
    /// RDS's IAM database authentication (`IAMDatabaseAuthenticationEnabled`): checks the token a member of `rds_iam`
    /// sends (user, token, the client's address) and says why it is refused. Nil: disabled, and such logins fail.
    public var iamTokenCheck: IAMTokenCheck?
    public var logger: Logger

    public typealias IAMTokenCheck =
        @Sendable (_ user: String, _ token: String, _ sourceIP: String?) -> Result<Void, IAMTokenRefusal>

    /// Why an IAM auth token was refused (for the instance's refusals, never the client).
    public struct IAMTokenRefusal: Error, Sendable {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        serverVersion: String = "15.8",
        users: [PostgresUser] = [],
        databases: [String] = [],
        seedSQL: [(database: String, sql: String)] = [],
        tls: TLSConfiguration? = nil,
        requireTLS: Bool = false,
        maxConnections: Int = 100,
        readOnly: Bool = false,
        dataDirectory: String? = nil,
        connectionFront: ConnectionFront? = nil,
        logger: Logger = Logger(label: "scripted-postgres")
    ) {
        (self.host, self.port, self.serverVersion, self.users, self.databases, self.seedSQL) = (
            host, port, serverVersion, users, databases, seedSQL
        )
        (self.tls, self.requireTLS, self.maxConnections, self.readOnly, self.dataDirectory) = (
            tls, requireTLS, maxConnections, readOnly, dataDirectory
        )
        (self.connectionFront, self.logger) = (connectionFront, logger)
    }
}
