import ArgumentParser
import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox proxy [NAME]`: a running sandbox's proxies: connections, target health, and why recent logins
/// were accepted or refused.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Show a running sandbox's RDS Proxies: connections, target health, login decisions."
    )

    @Argument(help: "Only this proxy.") var name: String?
    @Flag(help: "JSON, by proxy name: {endpoint, targets, logins, and the connection counts}.") var json = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let base = try self.sandbox.awsEndpoint()
        let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/sandbox/proxies")!)
        var status = try JSONDecoder().decode([String: ProxyStatus].self, from: data)
        if let name = self.name {
            guard let one = status[name] else {
                throw ValidationError(
                    "no proxy '\(name)'; the sandbox has: \(status.keys.sorted().joined(separator: ", "))"
                )
            }
            status = [name: one]
        }
        print(self.json ? try ControlJSON.text(status) : ProxyStatus.text(status, width: TerminalWidth.current))
    }
}
