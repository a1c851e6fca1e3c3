import Foundation
import NIOPosix
import SandboxLifecycle

/// What a proxy does between listening and closing, for either engine: runs its pool's connection opens and a tick
/// every quarter of IdleClientTimeout on the proxy's clock (at most a second: idle clients closed, health checked)
/// until graceful shutdown, cancellation or `stop()`; then closes the listener and the pool.
final class ProxyRunLoop: Sendable {
    private let stopping = Readiness<Void>()
    private let finished = Readiness<Void>()

    func serve<Connection>(
        pool: BackendPool<Connection>,
        idleClientTimeout: Int,
        clock: any SandboxClock,
        tick: @escaping @Sendable () async -> Void,
        closeListener: @Sendable () async -> Void
    ) async {
        let interval = Duration.milliseconds(Int(min(1, TimeInterval(idleClientTimeout) / 4) * 1000))
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        await withDiscardingTaskGroup { group in
            group.addTask { await pool.run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await clock.sleep(until: clock.now + interval, on: eventLoop)
                    await tick()
                }
            }
            await untilShutdown(or: self.stopping)
            await closeListener()
            pool.shutdown()
            group.cancelAll()
        }
    }

    /// `run()` has returned (listening failed, or it served and closed).
    func finish() { self.finished.succeed(()) }

    /// Ends `serve` and waits until `run()` has closed everything.
    func stop() async {
        self.stopping.succeed(())
        _ = try? await self.finished.value
    }
}
