import Foundation
import Hummingbird
import NIOCore
import SandboxAWSCore
import SandboxFakeAWS
import SandboxJSON
import SandboxVirtualNetwork

/// Toxiproxy's HTTP API over the sandbox's listeners, on the AWS endpoint's port: each database instance is a
/// "proxy" named by its id; toxics apply to all its connections, or with `?source=<host>` to one path.
/// Toxiproxy's own clients and `sandbox toxic` use it.
struct ToxiproxyAPI: Sendable {
    struct Listener: Sendable {
        var listen: String
        var upstream: String
    }

    let network: VirtualNetwork
    let listeners: [String: Listener]
    let setDown: @Sendable (String, Bool) async -> Void

    func install(on router: Router<AWSRequestContext>) {
        router.get("/proxies") { _, _ in
            Response.json(
                Dictionary(uniqueKeysWithValues: self.listeners.keys.map { ($0, self.proxy($0)) }),
                pretty: false
            )
        }
        router.get("/proxies/:proxy") { _, context in
            Response.json(self.proxy(try self.name(context)), pretty: false)
        }
        router.post("/proxies/:proxy") { request, context in
            let name = try self.name(context)
            let body = try await self.body(request)
            guard let enabled = body["enabled"]?.boolValue else {
                throw Self.error(.badRequest, "send {\"enabled\": true|false}")
            }
            await self.setDown(name, !enabled)
            return Response.json(self.proxy(name), pretty: false)
        }
        router.get("/proxies/:proxy/toxics") { request, context in
            Response.json(
                self.network.faults.toxics(in: self.scope(try self.name(context), request)).map(\.toxiproxy),
                pretty: false
            )
        }
        router.post("/proxies/:proxy/toxics") { request, context in
            let scope = self.scope(try self.name(context), request)
            let toxic: Toxic
            do { toxic = try Toxic(toxiproxy: try await self.body(request)) } catch let error as Toxic.Invalid {
                throw Self.error(.badRequest, error.description)
            }
            guard !self.network.faults.toxics(in: scope).contains(where: { $0.name == toxic.name }) else {
                throw Self.error(.conflict, "toxic already exists")
            }
            self.network.faults.add(toxic, to: scope)
            return Response.json(toxic.toxiproxy, pretty: false)
        }
        router.delete("/proxies/:proxy/toxics/:toxic") { request, context in
            let toxic = context.parameters.get("toxic") ?? ""
            guard self.network.faults.remove(toxic, from: self.scope(try self.name(context), request)) else {
                throw Self.error(.notFound, "toxic not found")
            }
            return Response(status: .noContent)
        }
    }

    private func proxy(_ name: String) -> JSONValue {
        [
            "name": .string(name), "listen": .string(self.listeners[name]?.listen ?? ""),
            "upstream": .string(self.listeners[name]?.upstream ?? ""),
            "enabled": .bool(!self.network.faults.isDown(name)),
            "toxics": .array(self.network.faults.toxics(in: .listener(name)).map(\.toxiproxy)),
        ]
    }

    private func name(_ context: AWSRequestContext) throws -> String {
        let name = context.parameters.get("proxy") ?? ""
        guard self.listeners[name] != nil else {
            throw Self.error(
                .notFound,
                "proxy not found: the sandbox's are \(self.listeners.keys.sorted().joined(separator: ", "))"
            )
        }
        return name
    }

    private func scope(_ name: String, _ request: Request) -> FaultScope {
        request.uri.queryParameters.get("source").map { .path(from: $0, to: name) } ?? .listener(name)
    }

    private func body(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        guard let object = try? JSONValue(parsing: buffer.readableBytesView), object.objectValue != nil else {
            throw Self.error(.badRequest, "the body must be a JSON object")
        }
        return object
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String) -> APIError {
        APIError(status: status, message: message)
    }

    /// Toxiproxy's error shape: `{"error": "...", "status": N}`.
    struct APIError: HTTPResponseError {
        var status: HTTPResponse.Status
        var message: String

        func response(from request: Request, context: some RequestContext) throws -> Response {
            .json(
                ["error": .string(self.message), "status": .int(Int64(self.status.code))] as JSONValue,
                status: self.status,
                pretty: false
            )
        }
    }
}
