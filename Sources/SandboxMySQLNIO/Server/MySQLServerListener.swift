import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SandboxLifecycle
import SandboxMySQLWire
import SandboxPKI

/// A listening MySQL server socket: accepts connections and runs one `MySQLServerChannelHandler` each.
/// A failing connection never affects the others or the listener.
public final class MySQLServerListener: Sendable {
    private let socket: ServerSocket<UInt32>

    /// The bound address (port 0 asks for an ephemeral port).
    public var localAddress: SocketAddress { self.socket.localAddress }
    public var port: Int { self.socket.port }

    private init(socket: ServerSocket<UInt32>) { self.socket = socket }

    public static func bind(
        host: String,
        port: Int,
        factory: any MySQLServerSessionFactory,
        front: ConnectionFront? = nil,
        connectionIDs: (@Sendable () -> UInt32)? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> MySQLServerListener {
        let counter = NIOLockedValueBox<UInt32>(0)
        let nextID =
            connectionIDs ?? {
                counter.withLockedValue {
                    $0 &+= 1
                    return $0
                }
            }
        let socket = try await ServerSocket<UInt32>.bind(
            host: host,
            port: port,
            front: front,
            nextID: nextID,
            accept: { child, id in
                let info = MySQLConnectionInfo(
                    id: id,
                    remoteAddress: child.remoteAddress,
                    localAddress: child.localAddress
                )
                switch factory.accept(info) {
                case let .failure(error):
                    try child.pipeline.syncOperations.addHandler(RefusingHandler(error: error))
                    return false
                case let .success(setup):
                    try child.pipeline.syncOperations.addHandler(
                        MySQLServerChannelHandler(setup: setup, info: info, logger: logger)
                    )
                    return true
                }
            },
            abort: { $0.closeAbruptly() },
            group: group
        )
        return MySQLServerListener(socket: socket)
    }

    /// The ids of the open connections.
    public var connectionIDs: [UInt32] { self.socket.ids }

    /// Closes one connection, as `KILL <id>` does (abruptly, as mysqld's KILL); returns whether it existed.
    @discardableResult
    public func kill(connectionID: UInt32) -> Bool { self.socket.kill(connectionID) }

    /// Closes every open connection; the listener keeps accepting.
    public func killAll() async { await self.socket.killAll() }

    /// Stops listening and closes every connection.
    public func close() async { await self.socket.close() }
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
        context.writeAndFlush(self.wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension MySQLServerListener: BoundListener {}
