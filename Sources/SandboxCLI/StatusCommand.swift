import ArgumentParser
import CloudSandbox
import Foundation

/// `sandbox status`: whether the sandbox the endpoints file names runs (its process alive, its endpoint answering),
/// and what it holds. Exits 0 when it runs, 1 when not (no file, or a stale one).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say whether the sandbox runs and what it holds; exit 1 when it does not run."
    )

    @Flag(help: "JSON: {running, pid, started, topology, counts}.") var json = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        guard FileManager.default.fileExists(atPath: self.sandbox.path) else {
            self.report(
                Status(running: false, reason: "no endpoints file at \(self.sandbox.path); start one with `sandbox up`")
            )
            throw ExitCode(1)
        }
        let endpoints = try self.sandbox.endpoints()
        let answering = await self.sandbox.answers(timeout: 3)
        var status = Status(
            running: answering,
            endpointsFile: self.sandbox.path,
            instances: endpoints.databases.count,
            proxies: endpoints.proxies?.count ?? 0,
            clusters: endpoints.clusters?.count ?? 0,
            functions: endpoints.functions?.count ?? 0,
            apis: endpoints.apis?.count ?? 0,
            pid: endpoints.process.map { Int($0.pid) },
            started: endpoints.process?.started,
            topology: endpoints.process?.topology
        )
        if !answering {
            status.reason =
                "the endpoints file is stale: nothing answers at \(endpoints.aws?.endpoint ?? "its endpoint")"
        }
        self.report(status)
        if !answering { throw ExitCode(1) }
    }

    /// What `--json` prints; absent keys are left out.
    struct Status: Encodable {
        var running: Bool
        var endpointsFile: String?
        var instances: Int?, proxies: Int?, clusters: Int?, functions: Int?, apis: Int?
        var pid: Int?
        var started: String?
        var topology: String?
        var reason: String?
    }

    private func report(_ status: Status) {
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: (try? encoder.encode(status)) ?? Data(), as: UTF8.self))
        } else {
            let counts = [
                ("instances", status.instances), ("clusters", status.clusters), ("proxies", status.proxies),
                ("functions", status.functions), ("apis", status.apis),
            ]
            let rows: [[String]] =
                status.running
                ? [
                    ["state", "running"], ["pid", status.pid.map { "\($0), since \(status.started ?? "?")" } ?? "-"],
                    ["topology", status.topology ?? "-"],
                    ["endpoints", status.endpointsFile ?? "-"],
                    ["holds", counts.map { "\($0.1 ?? 0) \($0.0)" }.joined(separator: ", ")],
                ]
                : [["state", "not running"], ["reason", status.reason ?? ""]]
            print(TextTable([], rows: rows).render(width: TerminalWidth.current))
        }
    }
}

/// `sandbox down`: stops the sandbox `sandbox up` runs (SIGTERM to its process, its graceful shutdown) and waits until
/// it has removed its endpoints file (at most 30 s). Exits 1 when none runs.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the sandbox `sandbox up` runs; exit 1 when none runs."
    )

    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        guard FileManager.default.fileExists(atPath: self.sandbox.path) else {
            print("not running: no endpoints file at \(self.sandbox.path)")
            throw ExitCode(1)
        }
        let endpoints = try self.sandbox.endpoints()
        guard let process = endpoints.process else {
            throw ValidationError(
                "\(self.sandbox.path) was not written by `sandbox up` (no process in it); stop that sandbox where "
                    + "it runs"
            )
        }
        guard kill(process.pid, 0) == 0 else {
            try? FileManager.default.removeItem(atPath: self.sandbox.path)
            print("not running (pid \(process.pid) is gone); removed the stale \(self.sandbox.path)")
            throw ExitCode(1)
        }
        guard kill(process.pid, SIGTERM) == 0 else {
            throw ValidationError("cannot signal pid \(process.pid): \(String(cString: strerror(errno)))")
        }
        for _ in 0..<300 {
            if !FileManager.default.fileExists(atPath: self.sandbox.path) {
                print("stopped (pid \(process.pid))")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("pid \(process.pid) did not stop within 30 s")
    }
}
