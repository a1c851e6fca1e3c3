import Hummingbird
import NIOCore

/// Hummingbird's per-request context with the peer's address (for source-IP conditions and logs) and the
/// connection (closed after a refusal that must not read the rest of the request).
public struct PeerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }
}
