import ArgumentParser
import CloudSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox logs FUNCTION [--lines N]`: a running sandbox's latest log lines of a Lambda function.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a running sandbox's latest log lines of a Lambda function.")

    @Argument(help: "The function.") var function: String
    @Option(help: "How many lines (the newest).") var lines: Int = 100
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let endpoints = try self.sandbox.endpoints()
        let base = try self.sandbox.awsEndpoint()
        let name = self.function.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? self.function
        let (data, response) = try await URLSession.shared.data(from: URL(string: base + "/sandbox/functions/\(name)/logs")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200, let found = (try? JSONDecoder().decode(FunctionLogs.self, from: data))?.lines else {
            let known = (endpoints.functions ?? [:]).keys.sorted().joined(separator: ", ")
            throw ValidationError("no function '\(self.function)' in the running sandbox; functions: \(known)")
        }
        for line in found.suffix(max(0, self.lines)) { print(line) }
    }
}
