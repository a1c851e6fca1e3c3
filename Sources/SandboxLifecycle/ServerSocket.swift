import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A listening TCP socket that keeps its open connections by id, so a server can close one (KILL,
/// `pg_terminate_backend`), all, or stop listening. A failing connection never affects the others or the listener.
/// The MySQL and PostgreSQL listeners are this with their protocol's handler installed on each connection.
public final class ServerSocket<ID: Hashable & Comparable & Sendable>: Sendable {
    private let channel: any Channel
    private let connections: NIOLockedValueBox<[ID: any Channel]>
    private let abort: @Sendable (any Channel) -> Void

    public var localAddress: SocketAddress { self.channel.localAddress! }
    public var port: Int { self.localAddress.port ?? 0 }

    private init(
        channel: any Channel,
        connections: NIOLockedValueBox<[ID: any Channel]>,
        abort: @escaping @Sendable (any Channel) -> Void
    ) {
        (self.channel, self.connections, self.abort) = (channel, connections, abort)
    }

    /// Binds and accepts. For each connection `front` runs first (false: withheld, a security group dropping it), then
    /// `accept` installs the protocol's handlers and says whether the connection is kept by `id` (a refused one is
    /// not). `abort` closes a connection at once, for `kill(_:)` (through TLS without waiting on its close_notify).
    public static func bind(
        host: String,
        port: Int,
        front: ConnectionFront?,
        nextID: @escaping @Sendable () -> ID,
        accept: @escaping @Sendable (_ child: any Channel, _ id: ID) throws -> Bool,
        abort: @escaping @Sendable (any Channel) -> Void = { $0.close(promise: nil) },
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ServerSocket {
        let connections = NIOLockedValueBox<[ID: any Channel]>([:])
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let front, try !front(child) { return }
                    let id = nextID()
                    guard try accept(child, id) else { return }
                    connections.withLockedValue { $0[id] = child }
                    child.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) }
                    }
                }
            }
            .bind(host: host, port: port).get()
        return ServerSocket(channel: channel, connections: connections, abort: abort)
    }

    /// The ids of the open connections, in order.
    public var ids: [ID] { self.connections.withLockedValue { Array($0.keys).sorted() } }

    /// Closes one connection at once; returns whether it existed.
    @discardableResult
    public func kill(_ id: ID) -> Bool {
        guard let child = self.connections.withLockedValue({ $0[id] }) else { return false }
        let abort = self.abort
        child.eventLoop.execute { abort(child) }
        return true
    }

    /// Closes every open connection; the socket keeps accepting.
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
