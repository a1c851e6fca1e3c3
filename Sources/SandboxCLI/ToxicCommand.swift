import ArgumentParser
import CloudSandbox
import Foundation
import SandboxJSON

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox toxic ...`: faults on a running sandbox's listeners, through its Toxiproxy-compatible API.
struct ToxicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toxic",
        abstract: "Add, remove and list faults (Toxiproxy's toxics) on a running sandbox.",
        subcommands: [Add.self, Remove.self, List.self, Disable.self, Enable.self]
    )

    struct Target: ParsableArguments {
        @OptionGroup var sandbox: RunningSandbox
        @Option(help: "Only connections from this network host (a path), instead of every connection to the listener.")
        var source: String?

        func url(_ path: String) throws -> URL {
            let base = try self.sandbox.awsEndpoint()
            let query =
                self.source.map { "?source=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" }
                ?? ""
            return URL(string: base + path + query)!
        }

        /// Sends the request; prints the JSON answer, or fails with the API's error.
        func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws {
            var request = URLRequest(url: try self.url(path))
            request.httpMethod = method
            if let body { request.httpBody = Data(body.bytes) }
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let text = String(decoding: data, as: UTF8.self)
            guard (200..<300).contains(status) else { throw ValidationError("HTTP \(status): \(text)") }
            if !text.isEmpty { print(text) }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a toxic: TYPE is latency, bandwidth, slow_close, timeout, reset_peer, slicer or limit_data."
        )
        @Argument(help: "The database id.") var listener: String
        @Argument(help: "The toxic type.") var type: String
        @Argument(
            help: ArgumentHelp(
                "Attributes as key=value (latency=300 jitter=20, rate=64, delay=500, timeout=1000, bytes=2048, "
                    + "average_size=8)."
            )
        )
        var attributes: [String] = []
        @Option(help: "upstream (client to server) or downstream.") var stream: String = "downstream"
        @Option(help: "The probability (0-1) that a connection gets the toxic.") var toxicity: Double = 1
        @Option(help: "The toxic's name (default TYPE_STREAM).") var name: String?
        @OptionGroup var target: Target

        func run() async throws {
            var values: [String: Int] = [:]
            for pair in self.attributes {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Int(parts[1]) else {
                    throw ValidationError("'\(pair)' is not key=number")
                }
                values[String(parts[0])] = value
            }
            var body: [String: JSONValue] = [
                "type": .string(self.type), "stream": .string(self.stream), "toxicity": .double(self.toxicity),
                "attributes": .object(values.mapValues { .int(Int64($0)) }),
            ]
            body["name"] = self.name.map(JSONValue.string)
            try await self.target.send("POST", "/proxies/\(self.listener)/toxics", body: .object(body))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a toxic by name.")
        @Argument var listener: String
        @Argument var name: String
        @OptionGroup var target: Target
        func run() async throws {
            try await self.target.send("DELETE", "/proxies/\(self.listener)/toxics/\(self.name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the listeners and their toxics.")
        @OptionGroup var target: Target
        func run() async throws { try await self.target.send("GET", "/proxies") }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a listener down: open connections reset, new ones refused."
        )
        @Argument var listener: String
        @OptionGroup var target: Target
        func run() async throws {
            try await self.target.send("POST", "/proxies/\(self.listener)", body: ["enabled": false])
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring a listener back up.")
        @Argument var listener: String
        @OptionGroup var target: Target
        func run() async throws {
            try await self.target.send("POST", "/proxies/\(self.listener)", body: ["enabled": true])
        }
    }
}
