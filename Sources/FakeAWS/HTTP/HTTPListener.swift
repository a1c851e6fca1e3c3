import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// A Hummingbird application running on its own `ServiceGroup`, started and bound before `start` returns:
/// the AWS endpoint, each HTTP API's listener and each Lambda Runtime API share this one way to serve HTTP.
public final class HTTPListener: Sendable {
    public let host: String
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://host:port`
    public var url: String { "http://\(self.host):\(self.port)" }

    /// Binds `host:port` (0: ephemeral) and serves `responder` until `stop`.
    public static func start<Responder: HTTPResponder>(responder: Responder, host: String, port: Int = 0, serverName: String = "CloudSandbox",
                                                       logger: Logger) async throws -> HTTPListener
    where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
        let bound = NIOLockedValueBox<CheckedContinuation<Int, any Error>?>(nil)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(responder: responder, configuration: .init(address: .hostname(host, port: port), serverName: serverName),
                              onServerRunning: { channel in
                                  bound.withLockedValue { $0?.resume(returning: channel.localAddress?.port ?? 0); $0 = nil }
                              }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let task = NIOLockedValueBox<Task<Void, any Error>?>(nil)
        let boundPort = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            bound.withLockedValue { $0 = continuation }
            task.withLockedValue { $0 = Task {
                do { try await group.run() } catch {
                    bound.withLockedValue { $0?.resume(throwing: error); $0 = nil }
                    throw error
                }
            } }
        }
        return HTTPListener(host: host, port: boundPort, group: group, task: task.withLockedValue { $0! })
    }

    /// Stops listening (gracefully: requests in flight finish).
    public func stop() async {
        await self.group.triggerGracefulShutdown()
        _ = await self.task.result
    }
}
