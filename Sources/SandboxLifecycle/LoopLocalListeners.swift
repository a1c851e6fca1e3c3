import NIOConcurrencyHelpers
import NIOCore

/// In-process servers' extra listeners, one per event loop, by the address they serve: a connection accepted by the
/// listener of loop L runs on L. A client on L that dials that listener instead (the RDS Proxy opening a target
/// connection) keeps the whole in-process chain — client session, target connection, backend session — on one
/// thread, with no wake-up of another between them. The listeners apply the same rules (security groups) as the
/// server's own address; a server registers them while it listens.
public enum LoopLocalListeners {
    private static let ports = NIOLockedValueBox<[String: [ObjectIdentifier: Int]]>([:])

    public static func register(host: String, port: Int, _ listeners: [(any EventLoop, Int)]) {
        let byLoop = Dictionary(
            listeners.map { (ObjectIdentifier($0.0), $0.1) },
            uniquingKeysWith: { first, _ in first }
        )
        Self.ports.withLockedValue { $0["\(host):\(port)"] = byLoop }
    }

    public static func remove(host: String, port: Int) {
        Self.ports.withLockedValue { $0["\(host):\(port)"] = nil }
    }

    /// The port on `host` whose connections run on `loop`, for a server listening on `host:port`; nil: dial `port`.
    public static func port(host: String, port: Int, on loop: any EventLoop) -> Int? {
        Self.ports.withLockedValue { $0["\(host):\(port)"]?[ObjectIdentifier(loop)] }
    }
}
