import CloudSandbox
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension Sandbox {
    /// Calls a route of HTTP API `api` as a client would (`method` and `path` with its query); the status and body.
    public func call(
        _ api: String,
        _ method: String,
        _ path: String,
        body: Data? = nil
    ) async throws -> (status: Int, body: String) {
        guard let base = self.endpoints.apis?[api]?.url, let url = URL(string: base + path) else {
            throw URLError(
                .badURL,
                userInfo: [NSLocalizedDescriptionKey: "no API '\(api)' in this sandbox, or a bad path '\(path)'"]
            )
        }
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.httpMethod = method
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
