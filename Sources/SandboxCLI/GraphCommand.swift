import ArgumentParser
import CloudSandbox
import Foundation

/// `sandbox graph [TOPOLOGY] [--svg FILE]`: the topology and which paths are open or blocked, as Graphviz DOT on
/// stdout, or drawn as SVG by `dot` (Debian's graphviz) into a file; `--paths` lists them and exits 1 when one is
/// blocked.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract:
            "Draw the topology and its open and blocked paths (Graphviz DOT, or SVG with --svg); --paths lists "
            + "them, exiting 1 when one is blocked."
    )

    @Argument(help: "The topology file.") var topology: String = "Sandbox/default.yaml"
    @OptionGroup var source: TopologyArguments
    @Option(help: "Write SVG here (needs Graphviz's dot) instead of printing DOT.") var svg: String?
    @Flag(help: "List the paths (open or blocked, and why) instead of drawing; exit 1 when one is blocked.") var paths =
        false

    func run() throws {
        let topology = try self.source.load(self.topology).topology
        let graph = try TopologyGraph(topology)
        if self.paths {
            for path in graph.paths {
                print(
                    "\(path.blocked == nil ? "open   " : "blocked") \(path.from) → \(path.to) \(path.label)"
                        + (path.blocked.map { ": \($0)" } ?? "")
                )
            }
            if graph.paths.contains(where: { $0.blocked != nil }) { throw ExitCode(1) }
        } else if let svg {
            try Self.render(graph.dot, to: svg)
            print(
                "wrote \(svg) (\(graph.paths.filter { $0.blocked != nil }.count) blocked of \(graph.paths.count) paths)"
            )
        } else {
            print(graph.dot, terminator: "")
        }
    }

    /// `dot -Tsvg -o FILE`, with the DOT on its stdin.
    static func render(_ dot: String, to file: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["dot", "-Tsvg", "-o", file]
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch {
            throw ValidationError("cannot run Graphviz's dot (apt-get install graphviz): \(error)")
        }
        input.fileHandleForWriting.write(Data(dot.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError(
                "dot failed (status \(process.terminationStatus)); is Graphviz installed? apt-get install graphviz"
            )
        }
    }
}
