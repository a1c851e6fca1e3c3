import Logging
import ServiceLifecycle

/// A server run as a `Service`: `run()` binds, reports the bound port through `listening`, serves until graceful
/// shutdown or cancellation, then closes everything it opened — so a server that fails to start is cleaned up by
/// the same code that stops it.
public protocol ListeningService: Service {
    /// Completes once `run()` accepts connections (with the bound port), or with the error that stopped it first.
    var listening: Readiness<Int> { get }
}

/// Why a service did not start: the group it was to run in stopped first (another service failed, or shutdown began).
public struct StoppedBeforeListening: Error, CustomStringConvertible {
    public var service: String
    public init(service: String) { self.service = service }
    public var description: String { "\(self.service) did not start: the services around it stopped first" }
}

/// Suspends until graceful shutdown, cancellation, or `stop` completes.
public func untilShutdown(or stop: Readiness<Void>? = nil) async {
    guard let stop else { return (try? await gracefulShutdown()) ?? () }
    _ = try? await cancelWhenGracefulShutdown { try await stop.value }
}

/// One `ListeningService` run outside a sandbox, on a group of its own (an AWS endpoint in a test): started once it
/// listens, shut down gracefully by `stop()`.
public final class RunningService<Wrapped: ListeningService>: Sendable {
    public let service: Wrapped
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    /// Runs `service` and returns once it listens; throws why it did not.
    public init(_ service: Wrapped, logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let name = "\(Wrapped.self)"
        self.service = service
        self.group = group
        self.task = Task {
            try? await group.run()
            service.listening.fail(StoppedBeforeListening(service: name))
        }
        do { _ = try await service.listening.value } catch {
            await self.stop()
            throw error
        }
    }

    /// Shuts the service down gracefully (requests in flight finish) and waits until it has.
    public func stop() async {
        await self.group.triggerGracefulShutdown()
        await self.task.value
    }
}

/// A server with a `start()` and `shutdown()` of its own (a scripted database): stopped and started again while it
/// runs, as faults, without leaving its service group.
public protocol StartableServer: ListeningService {
    /// The bound port once started.
    var port: Int { get }
    func start() async throws
    /// Stops and releases everything.
    func shutdown() async
}

extension StartableServer {
    /// The server as a sandbox runs it: `start()`, then serves (through stops and restarts, which are faults) until
    /// graceful shutdown or cancellation, then `shutdown()`.
    public func run() async throws {
        do { try await self.start() } catch {
            self.listening.fail(error)
            await self.shutdown()
            throw error
        }
        self.listening.succeed(self.port)
        await untilShutdown()
        await self.shutdown()
    }
}
