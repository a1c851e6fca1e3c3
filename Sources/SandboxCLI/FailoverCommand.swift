import ArgumentParser
import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sandbox failover CLUSTER [--to INSTANCE] [--wait]`: FailoverDBCluster on a running sandbox's cluster.
struct FailoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Fail a running sandbox's cluster over to a reader (FailoverDBCluster)."
    )

    @Argument(help: "The cluster id.") var cluster: String
    @Option(help: "The reader to promote (default: the first reader).") var to: String?
    @Flag(help: "Wait until the failover is over (at most 5 minutes) and print the cluster then.") var wait = false
    @OptionGroup var sandbox: RunningSandbox

    func run() async throws {
        let base = try self.sandbox.awsEndpoint()
        var path = "/sandbox/clusters/\(self.cluster)/failover"
        if let to { path += "?target=\(to.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? to)" }
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            // RDS refused (no such cluster, a failover under way): its error, exit 1.
            let refusal =
                (try? JSONDecoder().decode(ControlError.self, from: data))?.description
                ?? String(decoding: data, as: UTF8.self)
            FileHandle.standardError.write(Data("\(refusal)\n".utf8))
            throw ExitCode(1)
        }
        print(try ControlJSON.text(try JSONDecoder().decode(ClusterSummary.self, from: data)))
        guard self.wait else { return }
        for _ in 0..<3_000 {
            try await Task.sleep(for: .milliseconds(100))
            let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/sandbox/clusters")!)
            guard let cluster = try JSONDecoder().decode([String: ClusterSummary].self, from: data)[self.cluster],
                cluster.isAvailable
            else { continue }
            print(try ControlJSON.text(cluster))
            return
        }
        throw ValidationError("the failover of \(self.cluster) did not finish within 5 minutes")
    }
}
