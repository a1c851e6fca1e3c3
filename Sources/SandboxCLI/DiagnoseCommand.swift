import ArgumentParser
import CloudSandbox
import Foundation
import SandboxScenarios

/// `sandbox diagnose TOPOLOGY [--json] [--report FILE]`: which catalog misconfigurations a topology has, from its
/// model and from trying every path in a sandbox of its own; `--report` also writes the ticket's HTML (or, for a
/// `.md` file, Markdown). Exits 0 when nothing is wrong, 1 when something is.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract:
            "Find the catalog's misconfigurations in a topology: static checks and every path tried live. Exits 1 "
            + "when something is broken."
    )

    @Argument(help: "A topology file.") var topology: String
    @OptionGroup var source: TopologyArguments
    @Flag(help: "JSON: {findings: [{id, title, subject, evidence, fix}], paths, notChecked}.") var json = false
    @OptionGroup var catalog: ScenarioCommand.CatalogOption
    @Option(help: "Write a self-contained report for a ticket here: HTML, or Markdown when the name ends in .md.")
    var report: String?

    func run() async throws {
        let loaded = try self.source.load(self.topology, quiet: self.json)
        let report = try await Diagnosis(catalog: try self.catalog.load()).run(loaded)
        if let file = self.report {
            let document = try DiagnosisDocument(
                source: self.topology,
                report: report,
                topology: loaded.topology,
                warnings: loaded.warnings.map(\.description)
            )
            let text = file.hasSuffix(".md") ? document.markdown : document.html(svg: Self.svg(of: document.graph.dot))
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            FileHandle.standardError.write(Data("wrote \(file)\n".utf8))
        }
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if report.isBroken { throw ExitCode(1) }
    }

    /// The picture drawn by Graphviz, or nil when `dot` is not installed (the report shows the DOT then).
    private static func svg(of dot: String) -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("diagnose-\(UUID().uuidString).svg")
            .path
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard (try? GraphCommand.render(dot, to: file)) != nil else { return nil }
        return try? String(contentsOfFile: file, encoding: .utf8)
    }
}
