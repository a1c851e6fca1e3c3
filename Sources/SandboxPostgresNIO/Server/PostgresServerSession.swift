import Logging
import NIOCore
import NIOSSL
import SandboxPostgresWire

/// Where a server connection comes from, and the BackendKeyData it is given.
public struct PostgresConnectionInfo: Sendable {
    public var processID: Int32
    public var secretKey: Int32
    public var remoteAddress: SocketAddress?
    public var localAddress: SocketAddress?
    /// The loop the connection runs on (a proxy opens its target connections there when it can).
    public var eventLoop: (any EventLoop)?

    /// The peer's IP as PostgreSQL names hosts in errors (`no pg_hba.conf entry for host "…"`).
    public var remoteHost: String { self.remoteAddress?.ipAddress ?? "localhost" }

    /// `base` with this connection's process id and peer in its metadata.
    public func logger(from base: Logger) -> Logger {
        var logger = base
        logger[metadataKey: "postgres.pid"] = "\(self.processID)"
        logger[metadataKey: "postgres.peer"] = "\(self.remoteHost)"
        return logger
    }
}

/// The business logic behind one server connection: who may log in, and what commands answer.
public protocol PostgresServerSession: AnyObject, Sendable {
    /// How `startup.user` must authenticate, or the FATAL that refuses the connection (too many clients, no TLS, an
    /// unknown database). On the connection's event loop: a decision from what the session holds.
    func authMethod(
        for startup: PostgresServerStateMachine.Startup
    ) -> Result<PostgresServerStateMachine.AuthMethod, PostgresError>
    /// Whether `credential` logs `startup.user` in; on the event loop.
    func verify(
        _ startup: PostgresServerStateMachine.Startup,
        _ credential: PostgresServerStateMachine.Credential
    ) -> PostgresServerStateMachine.Verdict
    /// The login succeeded.
    func authenticated(_ startup: PostgresServerStateMachine.Startup)
    /// A command's result when the session can give it at once on the event loop (a short read), or nil: then
    /// `execute(_:)` runs it. Spares a command the hops to a task and a thread pool and back.
    func executeAtOnce(_ command: PostgresServerStateMachine.Command) -> PostgresServerStateMachine.CommandResult?
    /// A command started at once without suspending (a proxy's relay on a connection it can take now), its result
    /// due on any event loop; nil: `execute(_:)` runs it.
    func startExecute(
        _ command: PostgresServerStateMachine.Command,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<PostgresServerStateMachine.CommandResult>?
    func execute(_ command: PostgresServerStateMachine.Command) async -> PostgresServerStateMachine.CommandResult
    /// The connection failed before it closed (a TLS handshake the client gave up, a reset).
    func failed(_ error: any Error)
    /// The connection is gone.
    func closed()
}

extension PostgresServerSession {
    public func failed(_ error: any Error) {}
    public func executeAtOnce(
        _ command: PostgresServerStateMachine.Command
    ) -> PostgresServerStateMachine.CommandResult? { nil }
    public func startExecute(
        _ command: PostgresServerStateMachine.Command,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<PostgresServerStateMachine.CommandResult>? {
        nil
    }
}

/// What a server needs to run a new connection.
public struct PostgresSessionSetup: Sendable {
    public var machine: PostgresServerStateMachine.Configuration
    public var tls: NIOSSLContext?
    public var session: any PostgresServerSession
    /// Larger messages are refused (FATAL 08P01) and the connection closed.
    public var maxMessageSize: Int

    public init(
        machine: PostgresServerStateMachine.Configuration,
        tls: NIOSSLContext?,
        session: any PostgresServerSession,
        maxMessageSize: Int = 64 * 1024 * 1024
    ) {
        (self.machine, self.tls, self.session, self.maxMessageSize) = (machine, tls, session, maxMessageSize)
    }
}

/// Makes the session for each accepted connection, and cancels what a connection runs on a CancelRequest.
public protocol PostgresServerSessionFactory: Sendable {
    func accept(_ connection: PostgresConnectionInfo) -> PostgresSessionSetup
    /// A CancelRequest arrived for `processID`; honoured only when `secretKey` is that connection's.
    func cancel(processID: Int32, secretKey: Int32)
}
