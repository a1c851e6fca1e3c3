import ArgumentParser
import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox describe [proxies|targets|secrets|roles|security-groups|functions|apis] [--json]`: what a running sandbox
/// holds, with its proxies' target health, from its control API.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract:
            "Describe a running sandbox's proxies (with target health), secrets, roles, security groups, functions "
            + "and APIs."
    )

    @Argument(help: "Only this: proxies, targets, secrets, roles, security-groups, functions or apis.") var what:
        String?
    @Flag(help: "JSON, by section and name.") var json = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let section = try self.what.map { what in
            guard let section = SandboxDescription.Section(rawValue: what) else {
                throw ValidationError(
                    "'\(what)' is not something to describe; use one of "
                        + "\(SandboxDescription.Section.allCases.map(\.rawValue).sorted().joined(separator: ", "))"
                )
            }
            return section
        }
        let base = try self.sandbox.awsEndpoint()
        let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/sandbox/describe")!)
        let description = try JSONDecoder().decode(SandboxDescription.self, from: data)
        if self.json {
            print(try description.json(section))
        } else if section == .targets {
            print(description.targetTable.render(width: TerminalWidth.current))
        } else {
            print(description.text(only: section, width: TerminalWidth.current))
        }
    }
}
