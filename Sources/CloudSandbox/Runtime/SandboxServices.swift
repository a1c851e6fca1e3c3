import Logging
import NIOConcurrencyHelpers
import SandboxLifecycle
import ServiceLifecycle

/// The one `ServiceGroup` a sandbox runs everything on. Services join in dependency order, each once what it
/// needs listens; graceful shutdown stops them in the reverse order, so each stops before what it depends on. A
/// service that fails, or ends while the sandbox runs, takes the whole sandbox down gracefully: its error is
/// logged and kept as `failure` (a sandbox with one server gone would answer tests with half a stack).
final class SandboxServices: Sendable {
    private let group: ServiceGroup
    private let logger: Logger
    /// Completes when the group has stopped: with the first failure, or with nil after a graceful shutdown.
    private let stopped = Readiness<(any Error)?>()
    /// The group's run, the sandbox's one task: `shutdown()` awaits it.
    private let running: Task<Void, Never>

    /// Starts the group with `resources` (released last, after every service has stopped).
    init(resources: HeldResource, logger: Logger) {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let group = ServiceGroup(
            configuration: .init(services: [Self.configuration(resources, name: resources.name)], logger: quiet)
        )
        let stopped = self.stopped
        self.group = group
        self.logger = logger
        self.running = Task {
            do {
                try await group.run()
                stopped.succeed(nil)
            } catch {
                logger.error("the sandbox stopped: a service failed", metadata: ["error": "\(error)"])
                stopped.succeed(error)
            }
        }
    }

    /// Adds `service` and returns once it listens (its port); throws why it did not start — its own error, or
    /// `StoppedBeforeListening` when the group stopped first. `endsAlone`: it may end while the sandbox runs (a
    /// deleted proxy endpoint), or fail, without taking the sandbox down.
    @discardableResult
    func start<S: ListeningService>(_ service: S, name: String, endsAlone: Bool = false) async throws -> Int {
        await self.group.addServiceUnlessShutdown(Self.configuration(service, name: name, endsAlone: endsAlone))
        let stopped = self.stopped
        let port = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await service.listening.value }
            group.addTask {
                let failure = try await stopped.value
                throw failure ?? StoppedBeforeListening(service: name)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        self.logger.debug("listening", metadata: ["sandbox.service": "\(name)", "sandbox.port": "\(port)"])
        return port
    }

    /// Adds a service that does its work from the start (failover, endpoint changes).
    func run(_ service: some Service, name: String) async {
        await self.group.addServiceUnlessShutdown(Self.configuration(service, name: name))
    }

    /// Holds a resource until every service added after it has stopped, then `release`s it.
    func hold(_ name: String, release: @escaping @Sendable () async -> Void) async {
        await self.run(HeldResource(name: name, release: release), name: name)
    }

    /// The first failure that took the sandbox down (nil while it runs, or after a graceful shutdown).
    var failure: (any Error)? { (try? self.stopped.result?.get()) ?? nil }

    /// Waits until the group stops by itself (a service failed) and returns the failure.
    func untilStopped() async throws -> (any Error)? { try await self.stopped.value }

    /// Stops every service in reverse order and waits until all have stopped.
    func shutdown() async {
        await self.group.triggerGracefulShutdown()
        await self.running.value
    }

    private static func configuration(
        _ service: some Service,
        name: String,
        endsAlone: Bool = false
    ) -> ServiceGroupConfiguration.ServiceConfiguration {
        let whenItEnds: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior =
            endsAlone ? .ignore : .gracefullyShutdownGroup
        return .init(
            service: service,
            successTerminationBehavior: whenItEnds,
            failureTerminationBehavior: whenItEnds,
            serviceName: name
        )
    }
}

/// A resource the sandbox holds for its lifetime and releases at shutdown (a thread pool, volumes, addresses).
struct HeldResource: Service {
    let name: String
    let release: @Sendable () async -> Void

    func run() async throws {
        await untilShutdown()
        await self.release()
    }
}
