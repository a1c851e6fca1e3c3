import ArgumentParser
import CloudSandbox
import Foundation
import SandboxScenarios

/// `sandbox diagnose TOPOLOGY [--json]`: which catalog misconfigurations a topology has, from its model and from
/// trying every path in a sandbox of its own. Exits 0 when nothing is wrong, 1 when something is.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose", abstract: "Find the catalog's misconfigurations in a topology: static checks and every path tried live. Exits 1 when something is broken.")

    @Argument(help: "A topology file.") var topology: String
    @OptionGroup var source: TopologyArguments
    @Flag(help: "JSON: {findings: [{id, title, subject, evidence, fix}], paths, notChecked}.") var json = false
    @OptionGroup var catalog: ScenarioCommand.CatalogOption

    func run() async throws {
        let loaded = try self.source.load(self.topology, quiet: self.json)
        let (topology, base) = (loaded.topology, loaded.baseDirectory)
        let report = try await Diagnosis(catalog: try self.catalog.load()).run(topology, baseDirectory: base)
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if report.isBroken { throw ExitCode(1) }
    }
}
