import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SandboxMySQLWire
import SandboxPKI

/// An async MySQL client connection: TLS, any of the three auth plugins, queries and prepared statements.
/// This is the client the RDS Proxy uses to reach its targets.
public final class MySQLConnection: Sendable {
    /// TLS settings for the upgrade: the trusted roots and the name the certificate must carry.
    public typealias TLS = ClientTLS

    /// Reads per read cycle and the largest read: so at most `maxBytesPerReadCycle` arrive between a relay
    /// target asking to pause and the connection holding back its reads.
    public static let maxMessagesPerRead: UInt = 4
    public static let maxReadSize = 64 * 1024
    public static var maxBytesPerReadCycle: Int { Int(Self.maxMessagesPerRead) * Self.maxReadSize }

    public let channel: any Channel
    /// The server's greeting (version, connection id).
    public let greeting: HandshakeV10

    private init(channel: any Channel, greeting: HandshakeV10) {
        self.channel = channel
        self.greeting = greeting
    }

    /// Connects and logs in; throws `MySQLClientError` (with the server's ERR packet) or a NIO/TLS error.
    public static func connect(
        host: String,
        port: Int,
        configuration: MySQLClientConfiguration,
        tls: TLS? = nil,
        sourceAddress: SocketAddress? = nil,
        connectTimeout: TimeAmount = .seconds(10),
        loginTimeout: TimeAmount? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MySQLConnection {
        let sslContext = try tls.map { try $0.sslContext() }
        var configuration = configuration
        if sslContext == nil, configuration.tls == .preferred { configuration.tls = .disabled }
        let eventLoop = group.next()
        let login = eventLoop.makePromise(of: HandshakeV10.self)
        let hostname = tls?.serverHostname
        let finalConfiguration = configuration
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: Self.maxMessagesPerRead)
            .channelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: Self.maxReadSize)
            )
        if let sourceAddress { bootstrap = bootstrap.bind(to: sourceAddress) }
        let initialized = bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = MySQLClientChannelHandler(configuration: finalConfiguration, login: login) {
                    guard let sslContext else { throw MySQLClientError.tlsUnavailable }
                    return try NIOSSLClientHandler(context: sslContext, serverHostname: hostname)
                }
                try channel.pipeline.syncOperations.addHandler(handler)
            }
        }
        // An address connects at once; a name goes through NIO's resolver (getaddrinfo on a thread of its own).
        let connecting =
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                initialized.connect(to: address)
            } else {
                initialized.connect(host: host, port: port)
            }
        connecting.whenFailure { login.fail($0) }  // no connection: the login promise must not be left pending
        // Connected, then logged in, on the channel's event loop: the caller resumes once, with the answer.
        let loggedIn = connecting.flatMap { channel -> EventLoopFuture<MySQLConnection> in
            channel.closeFuture.whenComplete { _ in login.fail(MySQLClientError.connectionClosed) }
            if let loginTimeout {
                let timer = channel.eventLoop.scheduleTask(in: loginTimeout) {
                    login.fail(
                        MySQLClientError.timedOut(
                            "waiting for the server's greeting and login answer after "
                                + "\(loginTimeout.nanoseconds / 1_000_000) ms"
                        )
                    )
                }
                login.futureResult.whenComplete { _ in timer.cancel() }
            }
            return login.futureResult.map { MySQLConnection(channel: channel, greeting: $0) }.flatMapError { error in
                // A refused or failed login closes its connection before the error reaches the caller.
                let closed = channel.eventLoop.makePromise(of: Void.self)
                channel.close(promise: closed)
                return closed.futureResult.flatMapErrorThrowing { _ in }.flatMapThrowing { throw error }
            }
        }
        return try await loggedIn.get()
    }

    /// Runs one command and returns what it returned.
    public func send(_ command: MySQLCommand) async throws -> ClientConnectionStateMachine.CommandResult {
        let promise = self.channel.eventLoop.makePromise(of: ClientConnectionStateMachine.CommandResult.self)
        self.enqueue(.init(command: command, reply: .result(promise)))
        return try await promise.futureResult.get()
    }

    /// Runs one command whose response goes to `target` packet by packet as it arrives, reading from the
    /// server only as fast as the target takes it. Returns how the response ended (an ERR was relayed too).
    public func relay(_ command: MySQLCommand, to target: any MySQLRelayTarget) async throws -> ResponseRelay.End {
        try await self.startRelay(command, to: target).get()
    }

    /// `relay(_:to:)` without suspending: the future completes (on this connection's event loop) when it ends.
    public func startRelay(
        _ command: MySQLCommand,
        to target: any MySQLRelayTarget
    ) -> EventLoopFuture<ResponseRelay.End> {
        let promise = self.channel.eventLoop.makePromise(of: ResponseRelay.End.self)
        self.enqueue(.init(command: command, reply: .relay(target, promise)))
        return promise.futureResult
    }

    private func enqueue(_ request: MySQLClientChannelHandler.Request) {
        self.channel.eventLoop.execute {
            do {
                let handler = try self.channel.pipeline.syncOperations.handler(type: MySQLClientChannelHandler.self)
                handler.enqueue(request)
            } catch {
                request.fail(MySQLClientError.connectionClosed)
            }
        }
    }

    public func query(_ sql: String) async throws -> MySQLQueryResult {
        try MySQLQueryResult(try await self.send(.query(QueryText(sql))))
    }

    public func prepare(_ sql: String) async throws -> PreparedStatement {
        guard case let .prepared(statement) = try await self.send(.statementPrepare(sql)) else {
            throw MySQLClientError.protocolViolation("COM_STMT_PREPARE did not return a statement")
        }
        return statement
    }

    public func execute(
        _ statement: PreparedStatement,
        _ parameters: [MySQLValue] = []
    ) async throws -> MySQLQueryResult {
        try MySQLQueryResult(
            try await self.send(.statementExecute(.init(statementID: statement.id, parameters: parameters)))
        )
    }

    public func closeStatement(_ statement: PreparedStatement) async throws {
        _ = try await self.send(.statementClose(statement.id))
    }

    public func ping() async throws { _ = try await self.send(.ping) }

    /// Sends COM_QUIT and closes.
    public func close() async {
        try? await self.quit().get()
    }

    /// Sends COM_QUIT and closes, without waiting: the future completes once the channel is closed.
    public func quit() -> EventLoopFuture<Void> {
        let sent = self.channel.eventLoop.makePromise(of: ClientConnectionStateMachine.CommandResult.self)
        self.enqueue(.init(command: .quit, reply: .result(sent)))
        let channel = self.channel
        return sent.futureResult.map { _ in () }.recover { _ in () }.flatMap {
            channel.close(mode: .all).recover { _ in () }  // already closed is closed
        }
    }
}

/// Rows or an OK, as a query returns them.
public struct MySQLQueryResult: Sendable, Equatable {
    public var columns: [ColumnDefinition41]
    public var rows: [[MySQLValue]]
    public var affectedRows: UInt64
    public var lastInsertID: UInt64

    init(_ result: ClientConnectionStateMachine.CommandResult) throws {
        switch result {
        case let .ok(ok):
            self.columns = []
            self.rows = []
            self.affectedRows = ok.affectedRows
            self.lastInsertID = ok.lastInsertID
        case let .resultSet(set):
            self.columns = set.columns
            self.rows = set.rows
            self.affectedRows = 0
            self.lastInsertID = 0
        case .prepared, .none:
            throw MySQLClientError.protocolViolation("expected rows or OK")
        }
    }

    /// Rows as text (NULL as `nil`), handy in tests.
    public var textRows: [[String?]] { self.rows.map { $0.map(\.textValue) } }
}
