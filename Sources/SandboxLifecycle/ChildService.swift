import Logging
import ServiceLifecycle

/// A `ListeningService` run as an item of another service's `BackgroundWork` (a process function's Runtime API in
/// Lambda's): a child task of that service's `run()`, so the sandbox's group owns it and waits for it, on a group
/// of its own that `stop()` shuts down gracefully (as the owner's graceful shutdown does).
public final class ChildService<Wrapped: ListeningService>: Sendable {
    public let service: Wrapped
    private let group: ServiceGroup
    private let ended = Readiness<Void>()

    /// Hands `service` to `work` and returns once it listens; throws why it did not (the owner is stopping).
    public init(_ service: Wrapped, on work: BackgroundWork, logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let (ended, name) = (self.ended, "\(Wrapped.self)")
        self.service = service
        self.group = group
        let added = work.add {
            try? await group.run()
            service.listening.fail(StoppedBeforeListening(service: name))
            ended.succeed(())
        }
        guard added else {
            ended.succeed(())
            throw StoppedBeforeListening(service: name)
        }
        do { _ = try await service.listening.value } catch {
            await self.stop()
            throw error
        }
    }

    /// Shuts the service down gracefully and waits until it has.
    public func stop() async {
        await self.group.triggerGracefulShutdown()
        _ = try? await self.ended.value
    }
}
