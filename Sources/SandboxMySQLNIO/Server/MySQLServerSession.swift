import Logging
import NIOCore
import NIOSSL
import SandboxMySQLWire

/// Where a server connection comes from.
public struct MySQLConnectionInfo: Sendable {
    public var id: UInt32
    public var remoteAddress: SocketAddress?
    public var localAddress: SocketAddress?

    /// The peer's IP as MySQL names hosts in errors ('user'@'host').
    public var remoteHost: String { self.remoteAddress?.ipAddress ?? "localhost" }

    /// `base` with this connection's id and peer in its metadata. Built when a line is logged, not per connection:
    /// most connections log nothing, and a copy of the metadata each was an allocation storm on every login.
    public func logger(from base: Logger) -> Logger {
        var logger = base
        logger[metadataKey: "mysql.connection_id"] = "\(self.id)"
        logger[metadataKey: "mysql.peer"] = "\(self.remoteHost)"
        return logger
    }
}

/// The business logic behind one server connection: who may log in, and what commands answer.
public protocol MySQLServerSession: AnyObject, Sendable {
    /// Which plugin `request.username` must authenticate with, or the error that refuses them. Called on the
    /// connection's event loop: a decision from what the session holds, without waiting on anything.
    func authMethod(for request: ServerAuthRequest) -> Result<MySQLAuthPlugin, ErrorPacket>
    /// Whether `proof` is good for `request` (also where an unknown database is refused); on the event loop, as
    /// `authMethod(for:)`.
    func verify(_ request: ServerAuthRequest, proof: AuthProof) -> AuthVerdict
    /// The login (or COM_CHANGE_USER) succeeded.
    func authenticated(_ request: ServerAuthRequest)
    func execute(_ command: MySQLCommand) async -> CommandResponse
    /// Like `execute(_:)`, for a session that may write the response itself through `writer` as it relays it
    /// (then it answers `.relayed`). By default, `execute(_:)`.
    func execute(_ command: MySQLCommand, writer: MySQLResponseWriter) async -> CommandResponse
    /// A command the session can start at once, on the connection's event loop, answering through a future;
    /// `nil` takes the async path. By default, `nil`.
    func startExecute(_ command: MySQLCommand, writer: MySQLResponseWriter) -> EventLoopFuture<CommandResponse>?
    /// The connection failed before it closed (a TLS handshake the client gave up, a reset).
    func failed(_ error: any Error)
    /// The connection is gone.
    func closed()
}

extension MySQLServerSession {
    public func execute(_ command: MySQLCommand, writer: MySQLResponseWriter) async -> CommandResponse {
        await self.execute(command)
    }

    public func startExecute(_ command: MySQLCommand, writer: MySQLResponseWriter) -> EventLoopFuture<CommandResponse>?
    { nil }

    public func failed(_ error: any Error) {}
}

/// What a server needs to run a new connection.
public struct MySQLSessionSetup: Sendable {
    public var machine: ServerConnectionStateMachine.Configuration
    public var tls: NIOSSLContext?
    public var session: any MySQLServerSession
    /// Like `max_allowed_packet`: larger packets are refused with 1153.
    public var maxPacketSize: Int

    public init(
        machine: ServerConnectionStateMachine.Configuration,
        tls: NIOSSLContext?,
        session: any MySQLServerSession,
        maxPacketSize: Int = 64 * 1024 * 1024
    ) {
        self.machine = machine
        self.tls = tls
        self.session = session
        self.maxPacketSize = maxPacketSize
    }
}

/// Makes the session for each accepted connection, or refuses it (e.g. 1040 Too many connections).
public protocol MySQLServerSessionFactory: Sendable {
    func accept(_ connection: MySQLConnectionInfo) -> Result<MySQLSessionSetup, ErrorPacket>
}
