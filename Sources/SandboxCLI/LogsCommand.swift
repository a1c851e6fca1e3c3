import ArgumentParser
import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox logs FUNCTION [--lines N]`: a running sandbox's latest log lines of a Lambda function.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a running sandbox's latest log lines of a Lambda function."
    )

    @Argument(help: "The function.") var function: String
    @Option(help: "How many lines (the newest).") var lines: Int = 100
    @Flag(help: "JSON: {function, lines}.") var json = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let endpoints = try self.sandbox.endpoints()
        let base = try self.sandbox.awsEndpoint()
        let name = self.function.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? self.function
        let (data, response) = try await URLSession.shared.data(
            from: URL(string: base + "/sandbox/functions/\(name)/logs")!
        )
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            var found = try? JSONDecoder().decode(FunctionLogs.self, from: data)
        else {
            let known = (endpoints.functions ?? [:]).keys.sorted().joined(separator: ", ")
            throw ValidationError("no function '\(self.function)' in the running sandbox; functions: \(known)")
        }
        found.lines = Array(found.lines.suffix(max(0, self.lines)))
        if self.json {
            print(try ControlJSON.text(found))
        } else {
            for line in found.lines { print(line) }
        }
    }
}
