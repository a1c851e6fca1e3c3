import ArgumentParser
import CloudSandbox
import SandboxVirtualNetwork

/// `sandbox reach SOURCE DESTINATION PORT [--topology FILE]`: the reachability analysis of a topology's network,
/// without starting anything. Exits 0 when a path exists, 1 when something blocks it.
struct ReachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reach",
        abstract: "Explain whether SOURCE reaches DESTINATION on a TCP port in the topology's network."
    )

    @Argument(help: "A database id, a network host id, or 'operator' (this machine's 127.0.0.1).")
    var source: String
    @Argument(help: "A database id or network host id.")
    var destination: String
    @Argument(help: "The TCP port.")
    var port: Int
    @Option(help: "The topology file (YAML).")
    var topology: String = "Sandbox/default.yaml"
    @Flag(
        help: ArgumentHelp(
            "JSON: {reachable, source, destination, protocol, port, explanations: [{code, direction, components, "
                + "text}]}."
        )
    )
    var json = false
    @OptionGroup var importing: TopologyArguments

    func run() throws {
        let topology = try self.importing.load(self.topology).topology
        guard let model = try NetworkPlan.model(for: topology, loopback: { _ in nil }) else {
            throw ValidationError(
                "\(self.topology) has no network section: without one, every instance answers everyone."
            )
        }
        guard let result = NetworkPlan.analyze(model, from: self.source, to: self.destination, port: self.port) else {
            let names = (model.enis.map(\.owner) + ["operator"]).joined(separator: ", ")
            throw ValidationError(
                "'\(self.source)' or '\(self.destination)' is not in the network; its interfaces belong to: \(names)"
            )
        }
        print(self.json ? try ControlJSON.text(ReachAnswer(result)) : result.description)
        if !result.isReachable { throw ExitCode(1) }
    }
}

/// What `sandbox reach --json` prints.
struct ReachAnswer: Encodable {
    struct Explanation: Encodable {
        var code: String, direction: String?, components: [String], text: String
    }

    var reachable: Bool
    var source: String, destination: String, `protocol`: String
    var port: Int
    var explanations: [Explanation]

    init(_ result: Reachability) {
        (self.reachable, self.source, self.destination) = (
            result.isReachable, "\(result.source)", result.destination.owner
        )
        (self.protocol, self.port) = (result.protocol.rawValue, result.port)
        self.explanations = result.explanations.map {
            Explanation(code: $0.code, direction: $0.direction, components: $0.components, text: $0.text)
        }
    }
}
