import NIOCore

/// Whether the source of a relayed response may read on.
public enum RelayDemand: Sendable, Equatable {
    case more
    /// The target has enough queued: stop reading until the `resume` given with the packets is called.
    case paused
    /// The target's client is gone: stop, the rest of the response has nowhere to go.
    case gone
}

/// Where a relayed response goes, payloads in order: the proxy's client connection. `send` is called on the
/// source connection's event loop, once per read of the source, with the packets that read completed.
public protocol MySQLRelayTarget: AnyObject, Sendable {
    /// Whether the client negotiated CLIENT_DEPRECATE_EOF (the relay rewrites EOF markers to match).
    var deprecateEOF: Bool { get }
    func send(_ payloads: [ByteBuffer], resume: @escaping @Sendable () -> Void) -> RelayDemand
}
