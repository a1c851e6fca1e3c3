import ArgumentParser
import CloudSandbox
import Foundation
import Logging
import SandboxTemplateImport
import ServiceLifecycle

/// `sandbox up [TOPOLOGY] [--endpoints-file PATH]`: runs a topology in the foreground until Ctrl-C.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a topology in the foreground; Ctrl-C stops it."
    )

    @Argument(
        help:
            "A topology (YAML), a CloudFormation/SAM template or `terraform show -json` output, told apart by content."
    )
    var topology: String = "Sandbox/default.yaml"

    @OptionGroup var source: TopologyArguments

    @Option(help: "Where to write the JSON endpoints file, once everything listens.")
    var endpointsFile: String = ".sandbox/endpoints.json"

    @Option(help: "Where certificates and CA bundles are written.")
    var stateDirectory: String = ".sandbox"

    @Option(
        help: ArgumentHelp(
            "The audit log's SQLite file (in memory when absent), readable with the sqlite3 CLI while the sandbox "
                + "runs; one sandbox at a time."
        )
    )
    var state: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: self.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cloudsandbox")
        let loaded = try self.source.load(self.topology)
        let (topology, base) = (loaded.topology, loaded.baseDirectory)
        let service = SandboxService(
            topology: topology,
            baseDirectory: base,
            stateDirectory: URL(fileURLWithPath: self.stateDirectory),
            endpointsFile: self.endpointsFile,
            topologyPath: URL(fileURLWithPath: self.topology).standardizedFileURL.path,
            auditFile: self.state,
            logger: logger
        ) { sandbox in
            let report =
                EndpointsReport(sandbox.endpoints).text
                + "Endpoints file: \(self.endpointsFile). Press Ctrl-C to stop.\n"
            FileHandle.standardOutput.write(Data(report.utf8))
        }
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}

/// `sandbox validate TOPOLOGY`: checks a topology without starting it.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a topology file and say what is wrong."
    )

    @Argument(
        help:
            "A topology (YAML), a CloudFormation/SAM template or `terraform show -json` output, told apart by content."
    )
    var topology: String = "Sandbox/default.yaml"

    @OptionGroup var source: TopologyArguments

    func run() throws {
        let topology = try self.source.load(self.topology).topology
        print("\(self.topology): OK (\(topology.summary) in \(topology.region))")
    }
}
