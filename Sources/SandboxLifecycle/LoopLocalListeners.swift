import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

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

    /// Binds a server's listener on `host:port` for the whole group, and one more on each event loop, registered here:
    /// all or nothing (a failure closes what was bound and is thrown).
    public static func bind<Listener: BoundListener>(
        host: String,
        port: Int,
        _ bind: (_ port: Int, _ group: any EventLoopGroup) async throws -> Listener
    ) async throws -> (main: Listener, perLoop: [Listener]) {
        let main = try await bind(port, MultiThreadedEventLoopGroup.singleton)
        var perLoop: [(any EventLoop, Listener)] = []
        do {
            for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                perLoop.append((loop, try await bind(0, loop)))
            }
        } catch {
            for bound in [main] + perLoop.map(\.1) { await bound.close() }
            throw error
        }
        Self.register(host: host, port: main.port, perLoop.map { ($0.0, $0.1.port) })
        return (main, perLoop.map(\.1))
    }

    /// `connect` to the listener of `host:port` on `loop` when there is one, else to `port`; a listener that is gone
    /// (its server left without stopping) falls back to `port` too. An error `isRefusal` says came from the server is
    /// final.
    public static func connect<Connection>(
        host: String,
        port: Int,
        on loop: (any EventLoop)?,
        isRefusal: (any Error) -> Bool,
        _ connect: (_ port: Int) async throws -> Connection
    ) async throws -> Connection {
        if let local = loop.flatMap({ Self.port(host: host, port: port, on: $0) }) {
            do {
                return try await connect(local)
            } catch  where isRefusal(error) {
                throw error
            } catch {}
        }
        return try await connect(port)
    }
}

/// A listening socket a server owns: its port, and closing it.
public protocol BoundListener: Sendable {
    var port: Int { get }
    func close() async
}
