import NIOCore
import NIOPosix
import SandboxPostgresWire

extension PostgresClientConnection {
    /// Asks the server to cancel what this connection runs now, as libpq's PQcancel does: a CancelRequest with its
    /// BackendKeyData on a new connection to the same address. The server answers nothing; the statement, if one
    /// runs, ends with 57014.
    public func cancel() async throws {
        guard let address = self.channel.remoteAddress else { throw PostgresClientError.connectionClosed }
        try await Self.sendCancel(
            to: address,
            processID: self.processID,
            secretKey: self.secretKey,
            group: self.channel.eventLoop
        )
    }

    /// Sends a CancelRequest for `processID` and `secretKey` to `address` (from `sourceAddress` when given) and closes.
    public static func sendCancel(
        to address: SocketAddress,
        processID: Int32,
        secretKey: Int32,
        sourceAddress: SocketAddress? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        var bootstrap = ClientBootstrap(group: group).connectTimeout(.seconds(5))
        if let sourceAddress { bootstrap = bootstrap.bind(to: sourceAddress) }
        let channel = try await bootstrap.connect(to: address).get()
        let body = OpeningMessage.cancel(processID: processID, secretKey: secretKey).body()
        var frame = channel.allocator.buffer(capacity: 4 + body.readableBytes)
        frame.writeInteger(Int32(4 + body.readableBytes))
        frame.writeImmutableBuffer(body)
        try? await channel.writeAndFlush(frame).get()
        try? await channel.close().get()
    }
}
