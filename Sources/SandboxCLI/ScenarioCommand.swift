import ArgumentParser
import Foundation
import SandboxScenarios

/// `sandbox scenario list|run ID`: the misconfiguration catalog (Sandbox/misconfigurations).
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "List and run the misconfiguration catalog's entries.",
        subcommands: [List.self, Run.self, Docs.self]
    )

    struct CatalogOption: ParsableArguments {
        @Option(help: "The catalog folder.") var catalog: String = "Sandbox/misconfigurations"

        func load() throws -> Catalog {
            do { return try Catalog.load(folder: self.catalog) } catch { throw ValidationError("\(error)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the entries: id and title.")
        @OptionGroup var catalog: CatalogOption
        @Flag(help: "JSON: [{id, title, customerSees, fix}].") var json = false

        func run() throws {
            let entries = try self.catalog.load().entries
            if self.json {
                let rows = entries.map {
                    ["id": $0.id, "title": $0.title, "customerSees": $0.customerSees, "fix": $0.fixText]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            let width = entries.map(\.id.count).max() ?? 0
            for entry in entries {
                print(entry.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.title)
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show an entry's symptom as the customer sees it, the sandbox's explanation, then the fix working. "
                + "Exits 1 when the entry does not hold."
        )
        @Argument(help: "The entry's id (`sandbox scenario list`).") var id: String
        @OptionGroup var catalog: CatalogOption

        func run() async throws {
            let catalog = try self.catalog.load()
            guard let entry = catalog.entry(self.id) else {
                throw ValidationError(
                    "no entry '\(self.id)' in \(self.catalog.catalog); `sandbox scenario list` shows them"
                )
            }
            print("\(entry.id): \(entry.title)\ncustomers report: \(entry.customerSees)\n")
            let report = try await ScenarioRunner().run(entry) { print($0) }
            print(
                report.passed
                    ? "\nthe entry holds (\(String(format: "%.1f", report.seconds)) s)"
                    : "\nthe entry does not hold:\n" + report.failures.joined(separator: "\n")
            )
            if !report.passed { throw ExitCode(1) }
        }
    }

    struct Docs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the catalog as Markdown (docs/misconfigurations.md)."
        )
        @OptionGroup var catalog: CatalogOption

        func run() throws { print(try self.catalog.load().markdown, terminator: "") }
    }
}
