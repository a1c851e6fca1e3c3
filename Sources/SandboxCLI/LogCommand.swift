import ArgumentParser
import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox log [--kind K] [--component C] [--outcome O] [--grep TEXT] [--last N] [--follow] [--json]`: the running
/// sandbox's audit log — every connection the network admitted or denied, every login a proxy accepted or refused
/// (with the token's or the policy's verdict), every IAM evaluation with its deciding statements, API call,
/// invocation and HTTP API request. `--follow` prints new events until the sandbox stops or Ctrl-C.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The running sandbox's audit log: every decision and why (filterable; --follow)."
    )

    @Option(help: "connection, login, authorization, api-call, invocation, request or failover.") var kind: String?
    @Option(help: "The module that decided: VirtualNetwork, RDSProxy, FakeAWS, Lambda, APIGateway.") var component:
        String?
    @Option(help: "accepted, denied, refused, allowed, ok, error, timeout, an HTTP status, …") var outcome: String?
    @Option(name: .customLong("grep"), help: "Only events whose subject, reason or details contain this text.")
    var containing: String?
    @Option(help: "How many of the newest events to print first.") var last: Int = 50
    @Flag(help: "Keep printing new events until the sandbox stops.") var follow = false
    @Flag(help: "One JSON object per line: {id, time, component, kind, subject, outcome, reason, details}.") var json =
        false
    @OptionGroup var sandbox: RunningSandbox

    func validate() throws {
        if let kind, AuditEvent.Kind(rawValue: kind) == nil {
            throw ValidationError(
                "--kind \(kind) is not a kind of decision; use one of "
                    + "\(AuditEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() async throws {
        let base = try self.sandbox.awsEndpoint()
        var after: Int64 = 0
        var limit = self.last
        if !self.json { Swift.print(AuditEvent.tableHeader(width: TerminalWidth.current).joined(separator: "\n")) }
        while true {
            let events: [AuditEvent]
            do {
                events = try await self.fetch(base, after: after, limit: limit)
            } catch  where self.follow && after > 0 {
                return  // the sandbox stopped
            }
            for event in events { self.print(event) }
            after = events.last?.id ?? after
            guard self.follow else { return }
            limit = 1_000
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    private func fetch(_ base: String, after: Int64, limit: Int) async throws -> [AuditEvent] {
        var components = URLComponents(string: base + "/sandbox/audit")!
        components.queryItems =
            [URLQueryItem(name: "after", value: String(after)), URLQueryItem(name: "limit", value: String(limit))]
            + [
                ("kind", self.kind), ("component", self.component), ("outcome", self.outcome),
                ("contains", self.containing),
            ]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        let decoder = JSONDecoder()
        return try decoder.decode([String: [AuditEvent]].self, from: data)["events"] ?? []
    }

    private func print(_ event: AuditEvent) {
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: (try? encoder.encode(event)) ?? Data(), as: UTF8.self))
        } else {
            Swift.print(event.tableLines(width: TerminalWidth.current).joined(separator: "\n"))
        }
        fflush(nil)
    }
}
