import NIOCore
import NIOPosix
import NIOSSL
import SandboxPKI
import SandboxPostgresWire

/// Why a PostgreSQL client connection failed.
public enum PostgresClientError: Error, CustomStringConvertible, Sendable {
    case login(PostgresClientStateMachine.Failure)
    case connectionClosed
    case timedOut(String)
    case protocolViolation(PostgresProtocolError)

    public var description: String {
        switch self {
        case let .login(failure): "login failed: \(failure)"
        case .connectionClosed: "the server closed the connection"
        case let .timedOut(what): "timed out \(what)"
        case let .protocolViolation(error): "the server's bytes cannot be read: \(error)"
        }
    }

    /// The server's ErrorResponse, when the server refused.
    public var serverError: PostgresError? {
        if case let .login(.server(error)) = self { return error }
        return nil
    }
}

/// An async PostgreSQL client connection: TLS (SSLRequest), cleartext, MD5 or SCRAM-SHA-256, then exchanges of
/// messages each answered up to ReadyForQuery. This is how the RDS Proxy reaches its PostgreSQL targets.
public final class PostgresClientConnection: Sendable {
    public let channel: any Channel
    /// The server's ParameterStatus values at login (server_version, ...).
    public let parameters: [String: String]
    public let processID: Int32
    public let secretKey: Int32
    private let handler: NIOLoopBound<PostgresClientChannelHandler>

    private init(channel: any Channel, handler: PostgresClientChannelHandler, login: PostgresClientChannelHandler.Login)
    {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        (self.parameters, self.processID, self.secretKey) = (login.parameters, login.processID, login.secretKey)
    }

    /// Connects and logs in; throws `PostgresClientError` (with the server's ErrorResponse) or a NIO/TLS error.
    public static func connect(
        host: String,
        port: Int,
        configuration: PostgresClientStateMachine.Configuration,
        tls: ClientTLS? = nil,
        sourceAddress: SocketAddress? = nil,
        connectTimeout: TimeAmount = .seconds(10),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> PostgresClientConnection {
        let sslContext = try tls.map { try $0.sslContext() }
        var configuration = configuration
        configuration.tls = sslContext == nil ? .disable : .require
        let eventLoop = group.next()
        let login = eventLoop.makePromise(of: PostgresClientChannelHandler.Login.self)
        let hostname = tls?.serverHostname
        let machine = configuration
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let sourceAddress { bootstrap = bootstrap.bind(to: sourceAddress) }
        let initialized = bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = PostgresClientChannelHandler(configuration: machine, login: login) {
                    try NIOSSLClientHandler(context: sslContext!, serverHostname: hostname)
                }
                try channel.pipeline.syncOperations.addHandler(handler)
            }
        }
        let connecting =
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                initialized.connect(to: address)
            } else {
                initialized.connect(host: host, port: port)
            }
        connecting.whenFailure { login.fail($0) }
        let loggedIn = connecting.flatMap { channel -> EventLoopFuture<PostgresClientConnection> in
            channel.closeFuture.whenComplete { _ in login.fail(PostgresClientError.connectionClosed) }
            return login.futureResult.flatMapThrowing { result in
                let handler = try channel.pipeline.syncOperations.handler(type: PostgresClientChannelHandler.self)
                return PostgresClientConnection(channel: channel, handler: handler, login: result)
            }.flatMapError { error in
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        return try await loggedIn.get()
    }

    /// Sends `messages` and returns what the server answered, up to and including ReadyForQuery (a Sync or a
    /// Query must be among them). Exchanges on one connection run one after another.
    public func exchange(_ messages: [FrontendMessage]) async throws -> [BackendMessage] {
        try await self.send(messages).get()
    }

    /// `exchange` as a future, on the connection's event loop: no thread hop when called there.
    public func send(_ messages: [FrontendMessage]) -> EventLoopFuture<[BackendMessage]> {
        let promise = self.channel.eventLoop.makePromise(of: [BackendMessage].self)
        if self.channel.eventLoop.inEventLoop {
            self.handler.value.send(messages, promise: promise)
        } else {
            self.channel.eventLoop.execute { self.handler.value.send(messages, promise: promise) }
        }
        return promise.futureResult
    }

    /// A simple query: every message up to ReadyForQuery.
    public func query(_ sql: String) async throws -> [BackendMessage] {
        try await self.exchange([.query(sql)])
    }

    public var isActive: Bool { self.channel.isActive }

    /// Sends Terminate and closes.
    public func close() async {
        try? await self.quit().get()
    }
}

extension PostgresClientConnection {
    /// Sends Terminate and closes, without waiting (a pool closing a connection it no longer needs).
    public func quit() -> EventLoopFuture<Void> {
        var bytes = ByteBuffer()
        FrontendMessage.terminate.write(into: &bytes)
        return self.channel.writeAndFlush(bytes).flatMap { self.channel.close() }.recover { _ in }
    }
}
