import Logging
import SandboxMySQLWire
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOPosix

/// Runs first for every accepted connection, on its event loop, before MySQL sees it: it may add handlers in
/// front (faults) and returns false to withhold the connection from MySQL (a security group dropping it),
/// having installed whatever now owns the connection.
public typealias ConnectionFront = @Sendable (any Channel) throws -> Bool

/// A listening MySQL server socket: accepts connections and runs one `MySQLServerChannelHandler` each.
/// A failing connection never affects the others or the listener.
public final class MySQLServerListener: Sendable {
    private let channel: any Channel
    private let connections: NIOLockedValueBox<[UInt32: any Channel]>

    /// The bound address (port 0 asks for an ephemeral port).
    public var localAddress: SocketAddress { self.channel.localAddress! }
    public var port: Int { self.localAddress.port ?? 0 }

    private init(channel: any Channel, connections: NIOLockedValueBox<[UInt32: any Channel]>) {
        self.channel = channel
        self.connections = connections
    }

    public static func bind(
        host: String, port: Int, factory: any MySQLServerSessionFactory, front: ConnectionFront? = nil,
        connectionIDs: (@Sendable () -> UInt32)? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) async throws -> MySQLServerListener {
        let connections = NIOLockedValueBox<[UInt32: any Channel]>([:])
        let counter = NIOLockedValueBox<UInt32>(0)
        let nextID = connectionIDs ?? { counter.withLockedValue { $0 &+= 1; return $0 } }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                do {
                    if let front, try !front(child) { return child.eventLoop.makeSucceededVoidFuture() }
                } catch {
                    return child.eventLoop.makeFailedFuture(error)
                }
                let id = nextID()
                let info = MySQLConnectionInfo(id: id, remoteAddress: child.remoteAddress, localAddress: child.localAddress)
                switch factory.accept(info) {
                case let .failure(error):
                    return child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(RefusingHandler(error: error))
                    }
                case let .success(setup):
                    connections.withLockedValue { $0[id] = child }
                    child.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                    return child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(MySQLServerChannelHandler(setup: setup, info: info, logger: logger))
                    }
                }
            }
            .bind(host: host, port: port).get()
        return MySQLServerListener(channel: channel, connections: connections)
    }

    /// The ids of the open connections.
    public var connectionIDs: [UInt32] { self.connections.withLockedValue { Array($0.keys).sorted() } }

    /// Closes one connection, as `KILL <id>` does; returns whether it existed.
    @discardableResult
    public func kill(connectionID: UInt32) -> Bool {
        guard let child = self.connections.withLockedValue({ $0[connectionID] }) else { return false }
        // Abrupt, as mysqld's KILL: through the TLS handler, its close_notify would wait behind every pending write.
        child.eventLoop.execute {
            if let tls = try? child.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) {
                tls.close(promise: nil)
            } else {
                child.close(promise: nil)
            }
        }
        return true
    }

    /// Closes every open connection; the listener keeps accepting.
    public func killAll() async {
        let children = self.connections.withLockedValue { Array($0.values) }
        for child in children { try? await child.close() }
    }

    /// Stops listening and closes every connection.
    public func close() async {
        try? await self.channel.close()
        await self.killAll()
    }
}

/// Answers a refused connection with its ERR packet in place of the greeting, then closes.
private final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let error: ErrorPacket

    init(error: ErrorPacket) { self.error = error }

    func channelActive(context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 64)
        MySQLPacketFramer.write(payload: .build { self.error.encode(into: &$0) }, sequenceID: 0, into: &out)
        context.writeAndFlush(self.wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
