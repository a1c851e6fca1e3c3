import CloudSandbox
import Foundation
import Logging
import SandboxTesting

/// Starting the default topology: the memory an idle default sandbox takes and 200 running side by side (each
/// measured in a fresh process), the time to every endpoint listening (median of 5), and 20 sandboxes started and
/// stopped one after another.
enum StartupBench {
    static func run(logger: Logger) async throws {
        let (topology, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        let start = { try await Sandbox.start(topology, baseDirectory: base, logger: logger) }
        let clock = ContinuousClock()
        // Memory in fresh processes of this bench: in this one, memory earlier parts freed would hold a new sandbox.
        for part in ["one", "many"] {
            let child = try await Subprocess.runOffThread(
                [Self.executable],
                environment: ProcessInfo.processInfo.environment.merging(["BENCH_CHILD": part]) { $1 }
            )
            print(
                child.status == 0
                    ? child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    : "memory (\(part)): not measured (\(child.stderr))"
            )
        }

        var samples: [Double] = []
        for _ in 0..<5 {
            let began = clock.now
            let sandbox = try await start()
            samples.append(Measure.seconds(clock.now - began) * 1000)
            await sandbox.shutdown()
        }
        print(
            "default topology, Sandbox.start until every endpoint listens: median "
                + "\(format(Measure.median(samples))) ms (of 5: "
                + samples.map { format($0) }.joined(separator: ", ") + ")"
        )

        let sequence = clock.now
        for _ in 0..<20 { try await start().shutdown() }
        let sequenceSeconds = Measure.seconds(clock.now - sequence)
        print(
            "20 started and stopped in sequence: \(format(sequenceSeconds)) s, "
                + "\(format(sequenceSeconds * 1000 / 20)) ms each"
        )
    }

    /// `BENCH_CHILD=one`: the resident memory the first idle default sandbox of a fresh process takes (with the
    /// process's one-time costs: code pages, event loops, thread pools) and a second beside it; `many`: `sideBySide`
    /// more beside a first one. Printed as one line for the parent.
    static func child(_ part: String, logger: Logger) async throws {
        let (topology, base) = try TopologyLoader.load(path: "Sandbox/default.yaml")
        let start = { try await Sandbox.start(topology, baseDirectory: base, logger: logger) }
        let settle = { try await Task.sleep(for: .seconds(1)) }
        let empty = ProxyBench.residentKiB()
        let first = try await start()
        try await settle()
        let withFirst = ProxyBench.residentKiB()
        var others: [Sandbox] = []
        let clock = ContinuousClock()
        let began = clock.now
        for _ in 0..<(part == "one" ? 1 : Self.sideBySide) { others.append(try await start()) }
        let startSeconds = Measure.seconds(clock.now - began)
        try await settle()
        let withOthers = ProxyBench.residentKiB()
        for sandbox in others + [first] { await sandbox.shutdown() }
        let mib = { (kib: Int) in format(Double(kib) / 1024) }
        if part == "one" {
            print(
                "one idle default sandbox, fresh process: \(mib(withFirst - empty)) MiB resident (the first, with "
                    + "the process's one-time costs), "
                    + "\(mib(withOthers - withFirst)) MiB for a second beside it"
            )
        } else {
            print(
                "\(Self.sideBySide) side by side in one process (beside a first): started in \(format(startSeconds)) s "
                    + "(\(format(startSeconds * 1000 / Double(Self.sideBySide))) ms each), "
                    + "\(mib(withOthers - withFirst)) MiB resident for all, "
                    + "\(format(Double(withOthers - withFirst) / 1024 / Double(Self.sideBySide))) MiB each"
            )
        }
    }

    /// How many sandboxes the memory figure starts beside a first one.
    static let sideBySide = 200

    /// This bench's own executable, run again for the memory figures.
    static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }
}
