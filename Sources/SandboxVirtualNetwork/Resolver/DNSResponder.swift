import NIOCore
import NIOPosix

/// The sandbox's DNS server for its VPC, on a loopback address: process functions' name lookups that bypass libc
/// (static Go sends DNS packets itself) are sent here by the launcher. `resolve` maps a name to its loopback alias;
/// it is asked on every query, so answers that change (a cluster endpoint after failover) are seen at once. A name it
/// does not hold is NXDOMAIN, or, with a `forwarder`, asked of that server (as the VPC's resolver answers public
/// names): its answer goes back to the client, or SERVFAIL when none comes within `forwardTimeout`; never a hang.
public final class DNSResponder: Sendable {
    public let host: String
    public let port: Int
    private let channel: any Channel

    public init(
        host: String,
        ttl: UInt32 = 1,
        forwarder: SocketAddress? = nil,
        forwardTimeout: TimeAmount = .seconds(2),
        resolve: @escaping @Sendable (String) -> String?
    ) async throws {
        self.channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(ttl: ttl, forwarder: forwarder, timeout: forwardTimeout, resolve: resolve)
                    )
                }
            }
            .bind(host: host, port: 0).get()
        self.host = host
        self.port = self.channel.localAddress?.port ?? 0
    }

    public func close() async {
        try? await self.channel.close()
    }

    /// Confined to the channel's event loop: the forward table is changed only there.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let ttl: UInt32
        let forwarder: SocketAddress?
        let timeout: TimeAmount
        let resolve: @Sendable (String) -> String?
        var forwarded = DNSForwardTable<(client: SocketAddress, query: DNSQuery)>()

        init(
            ttl: UInt32,
            forwarder: SocketAddress?,
            timeout: TimeAmount,
            resolve: @escaping @Sendable (String) -> String?
        ) {
            (self.ttl, self.forwarder, self.timeout, self.resolve) = (ttl, forwarder, timeout, resolve)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = self.unwrapInboundIn(data)
            let bytes = Array(envelope.data.readableBytesView)
            if let forwarder = self.forwarder, envelope.remoteAddress == forwarder {
                return self.upstreamAnswered(bytes, context: context)
            }
            guard let query = DNSQuery(bytes) else { return }
            let address = self.resolve(query.name)
            guard address == nil, let forwarder = self.forwarder else {
                return Self.send(
                    query.answer(address: address, ttl: self.ttl),
                    to: envelope.remoteAddress,
                    on: context.channel
                )
            }
            guard let upstream = self.forwarded.forward(id: query.id, client: (envelope.remoteAddress, query)) else {
                return Self.send(query.serverFailure(), to: envelope.remoteAddress, on: context.channel)
            }
            Self.send(DNSQuery.message(bytes, withID: upstream), to: forwarder, on: context.channel)
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let channel = context.channel
            context.eventLoop.scheduleTask(in: self.timeout) {
                guard let pending = handler.value.forwarded.settle(upstream) else { return }
                Self.send(pending.client.query.serverFailure(), to: pending.client.client, on: channel)
            }
        }

        private func upstreamAnswered(_ bytes: [UInt8], context: ChannelHandlerContext) {
            guard let header = DNSQuery.header(of: bytes), header.isResponse,
                let pending = self.forwarded.settle(header.id)
            else { return }
            Self.send(DNSQuery.message(bytes, withID: pending.id), to: pending.client.client, on: context.channel)
        }

        /// Through the channel, not a handler's context: a deadline may fire after the handler is gone.
        private static func send(_ bytes: [UInt8], to address: SocketAddress, on channel: any Channel) {
            channel.writeAndFlush(
                AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)),
                promise: nil
            )
        }
    }
}
