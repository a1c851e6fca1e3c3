import SandboxLifecycle
import ServiceLifecycle

extension LambdaService: Service {
    /// Runs Event invocations until graceful shutdown or cancellation; then `shutdown()` stops the instances (the
    /// invocations in flight end as timed out) and the Event invocations still running are awaited.
    public nonisolated func run() async throws {
        let events = self.eventInvocations
        async let invoked: Void = events.run()
        await untilShutdown()
        events.finish()
        await self.shutdown()
        await invoked
    }
}
