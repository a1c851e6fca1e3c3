import Logging
import NIOCore
import NIOPosix
import SandboxLifecycle
import SandboxPKI

/// A listening PostgreSQL server socket: accepts connections and runs one `PostgresServerChannelHandler` each.
/// A failing connection never affects the others or the listener.
public final class PostgresServerListener: Sendable {
    private let socket: ServerSocket<Int32>

    public var localAddress: SocketAddress { self.socket.localAddress }
    public var port: Int { self.socket.port }

    private init(socket: ServerSocket<Int32>) { self.socket = socket }

    /// `processIDs` numbers the connections (BackendKeyData's process id); each gets a random secret key.
    public static func bind(
        host: String,
        port: Int,
        factory: any PostgresServerSessionFactory,
        front: ConnectionFront? = nil,
        processIDs: @escaping @Sendable () -> Int32,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> PostgresServerListener {
        let socket = try await ServerSocket<Int32>.bind(
            host: host,
            port: port,
            front: front,
            nextID: processIDs,
            accept: { child, processID in
                let info = PostgresConnectionInfo(
                    processID: processID,
                    secretKey: Int32.random(in: .min ... .max),
                    remoteAddress: child.remoteAddress,
                    localAddress: child.localAddress,
                    eventLoop: child.eventLoop
                )
                let handler = PostgresServerChannelHandler(
                    setup: factory.accept(info),
                    info: info,
                    cancel: factory.cancel,
                    logger: logger
                )
                try child.pipeline.syncOperations.addHandler(handler)
                return true
            },
            abort: { $0.closeAbruptly() },
            group: group
        )
        return PostgresServerListener(socket: socket)
    }

    /// The process ids of the open connections.
    public var processIDs: [Int32] { self.socket.ids }

    /// Closes one connection abruptly, as `pg_terminate_backend` does; returns whether it existed.
    @discardableResult
    public func kill(processID: Int32) -> Bool { self.socket.kill(processID) }

    /// Closes every open connection; the listener keeps accepting.
    public func killAll() async { await self.socket.killAll() }

    /// Stops listening and closes every connection.
    public func close() async { await self.socket.close() }
}

extension PostgresServerListener: BoundListener {}
