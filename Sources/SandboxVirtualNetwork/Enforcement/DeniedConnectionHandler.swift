import NIOCore
import NIOPosix

/// Owns a connection the network refused: with `drop`, it answers nothing and discards what arrives until the
/// client gives up (or `holdLimit` passes), as a security group's silence looks to a client; with `reset`, it
/// resets the connection at once.
final class DeniedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let reset: Bool
    private let holdLimit: TimeAmount

    init(reset: Bool, holdLimit: TimeAmount) {
        self.reset = reset
        self.holdLimit = holdLimit
    }

    func channelActive(context: ChannelHandlerContext) {
        if self.reset {
            Self.resetConnection(context.channel)
        } else {
            let channel = context.channel
            context.eventLoop.scheduleTask(in: self.holdLimit) { channel.close(promise: nil) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // discarded, like packets into a dropping group

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

    /// Closes with SO_LINGER 0, so the peer sees a TCP RST.
    static func resetConnection(_ channel: any Channel) {
        guard let sockets = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
        sockets.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
}
