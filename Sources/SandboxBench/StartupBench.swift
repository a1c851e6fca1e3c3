import CloudSandbox
import Foundation
import Logging

/// Starting the default topology: the memory an idle default sandbox takes, 50 running side by side in this process,
/// the time to every endpoint listening (median of 5), and 20 sandboxes started and stopped one after another.
enum StartupBench {
    static func run(logger: Logger) async throws {
        let (topology, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        let start = { try await Sandbox.start(topology, baseDirectory: base, logger: logger) }
        let clock = ContinuousClock()
        // Memory first, before earlier sandboxes' freed memory could hide what a new one takes.
        let before = ProxyBench.residentKiB()
        let one = try await start()
        try await Task.sleep(for: .seconds(1))
        let idle = ProxyBench.residentKiB() - before
        await one.shutdown()
        print("one idle default sandbox: \(format(Double(idle) / 1024)) MiB resident")

        let baseline = ProxyBench.residentKiB()
        let sideBySide = clock.now
        var running: [Sandbox] = []
        for _ in 0..<50 { running.append(try await start()) }
        let startSeconds = Measure.seconds(clock.now - sideBySide)
        let resident = ProxyBench.residentKiB() - baseline
        for sandbox in running { await sandbox.shutdown() }
        print("50 side by side in one process: started in \(format(startSeconds)) s (\(format(startSeconds * 1000 / 50)) ms each), "
              + "\(format(Double(resident) / 1024)) MiB resident for all, \(format(Double(resident) / 1024 / 50)) MiB each")

        var samples: [Double] = []
        for _ in 0..<5 {
            let began = clock.now
            let sandbox = try await start()
            samples.append(Measure.seconds(clock.now - began) * 1000)
            await sandbox.shutdown()
        }
        print("default topology, Sandbox.start until every endpoint listens: median \(format(Measure.median(samples))) ms (of 5: "
              + samples.map { format($0) }.joined(separator: ", ") + ")")

        let sequence = clock.now
        for _ in 0..<20 { try await start().shutdown() }
        let sequenceSeconds = Measure.seconds(clock.now - sequence)
        print("20 started and stopped in sequence: \(format(sequenceSeconds)) s, \(format(sequenceSeconds * 1000 / 20)) ms each")

    }
}
