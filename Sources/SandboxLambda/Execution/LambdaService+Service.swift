import SandboxLifecycle
import ServiceLifecycle

extension LambdaService: Service {
    /// Runs Event invocations and process functions' Runtime APIs until graceful shutdown or cancellation; then
    /// `shutdown()` stops the instances (the invocations in flight end as timed out, their Runtime APIs stop) and the
    /// Event invocations still running are awaited.
    public nonisolated func run() async throws {
        let (events, runtimeAPIs) = (self.eventInvocations, self.runtimeAPIs)
        async let invoked: Void = events.run()
        async let served: Void = runtimeAPIs.run()
        await untilShutdown()
        events.finish()
        runtimeAPIs.finish()
        await self.shutdown()
        await invoked
        await served
    }
}
