import ArgumentParser
import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How a command finds the running sandbox: `--endpoints-file`, else `SANDBOX_ENDPOINTS`, else
/// `.sandbox/endpoints.json` (where `sandbox up` writes it).
struct RunningSandbox: ParsableArguments {
    @Option(help: "The running sandbox's endpoints file (default: $SANDBOX_ENDPOINTS, else .sandbox/endpoints.json).")
    var endpointsFile: String?

    var path: String {
        self.endpointsFile ?? ProcessInfo.processInfo.environment["SANDBOX_ENDPOINTS"] ?? ".sandbox/endpoints.json"
    }

    func endpoints() throws -> Endpoints {
        guard FileManager.default.fileExists(atPath: self.path) else {
            throw ValidationError(
                "no sandbox is running here: no endpoints file at \(self.path); start one with `sandbox up`, or "
                    + "point --endpoints-file at it"
            )
        }
        do {
            return try Endpoints.read(from: self.path)
        } catch {
            throw ValidationError(
                "cannot read the endpoints file \(self.path) (\(error)); is the sandbox up (`sandbox up`), or is "
                    + "it elsewhere (--endpoints-file)?"
            )
        }
    }

    /// The sandbox's AWS endpoint, which also serves its control APIs.
    func awsEndpoint() throws -> String {
        guard let base = try self.endpoints().aws?.endpoint else {
            throw ValidationError("\(self.path) names no endpoint; is the sandbox up?")
        }
        return base
    }

    /// Whether a sandbox answers at the endpoint the file names (its control API, within `timeout` seconds).
    func answers(timeout: TimeInterval) async -> Bool {
        guard let base = try? self.endpoints().aws?.endpoint, let url = URL(string: base + "/sandbox/proxies") else {
            return false
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "GET"
        return (try? await URLSession.shared.data(for: request)).map { ($0.1 as? HTTPURLResponse)?.statusCode == 200 }
            ?? false
    }
}
