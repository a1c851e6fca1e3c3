import NIOCore
import NIOPosix

/// The sandbox's DNS server for its VPC, on a loopback address: process functions' name lookups that bypass libc
/// (static Go sends DNS packets itself) are sent here by the launcher. `resolve` maps a name to its loopback alias;
/// it is asked on every query, so answers that change (a cluster endpoint after failover) are seen at once.
public final class DNSResponder: Sendable {
    public let host: String
    public let port: Int
    private let channel: any Channel

    public init(host: String, ttl: UInt32 = 1, resolve: @escaping @Sendable (String) -> String?) async throws {
        self.channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.pipeline.addHandler(Handler(ttl: ttl, resolve: resolve)) }
            .bind(host: host, port: 0).get()
        self.host = host
        self.port = self.channel.localAddress?.port ?? 0
    }

    public func close() async {
        try? await self.channel.close()
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let ttl: UInt32
        let resolve: @Sendable (String) -> String?

        init(ttl: UInt32, resolve: @escaping @Sendable (String) -> String?) {
            (self.ttl, self.resolve) = (ttl, resolve)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = self.unwrapInboundIn(data)
            guard let query = DNSQuery(Array(envelope.data.readableBytesView)) else { return }
            let answer = query.answer(address: self.resolve(query.name), ttl: self.ttl)
            let buffer = context.channel.allocator.buffer(bytes: answer)
            context.writeAndFlush(self.wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
    }
}
