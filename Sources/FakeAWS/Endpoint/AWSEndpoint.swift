import AWSSigV4
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// One HTTP endpoint for every fake AWS service (like LocalStack's edge port). Every request is verified
/// with SigV4, its caller resolved to a principal, routed by the credential scope's service, and authorized
/// with IAM policy evaluation inside the service.
public final class AWSEndpoint: Sendable {
    public let account: AccountState
    public let host: String
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// The URL clients pass as `--endpoint-url` / `AWS_ENDPOINT_URL`.
    public var url: String { "http://\(self.host):\(self.port)" }

    private init(account: AccountState, host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.account = account
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts listening (port 0: ephemeral) and returns once the socket is bound.
    /// `routes` adds the sandbox's own APIs beside AWS's `/` (as LocalStack serves its internals on its edge port).
    public static func start(account: AccountState, host: String = "127.0.0.1", port: Int = 0,
                             clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "cloudsandbox.aws"),
                             routes: (Router<AWSRequestContext>) -> Void = { _ in }) async throws -> AWSEndpoint {
        let dispatcher = AWSDispatcher(account: account, clock: clock, logger: logger)
        let router = Router(context: AWSRequestContext.self)
        routes(router)
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/", method: method) { request, context in
                await dispatcher.respond(to: request, context: context)
            }
        }
        let bound = NIOLockedValueBox<CheckedContinuation<Int, any Error>?>(nil)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "CloudSandbox"),
                              onServerRunning: { channel in
                                  bound.withLockedValue { $0?.resume(returning: channel.localAddress?.port ?? 0); $0 = nil }
                              }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        var runner: Task<Void, any Error>?
        let boundPort = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            bound.withLockedValue { $0 = continuation }
            runner = Task {
                do { try await group.run() } catch {
                    bound.withLockedValue { $0?.resume(throwing: error); $0 = nil }
                    throw error
                }
            }
        }
        logger.info("AWS endpoint listening", metadata: ["aws.endpoint": "http://\(host):\(boundPort)"])
        return AWSEndpoint(account: account, host: host, port: boundPort, group: group, task: runner!)
    }

    /// Stops listening (gracefully: requests in flight finish).
    public func stop() async {
        await self.group.triggerGracefulShutdown()
        _ = await self.task.result
    }
}

/// Hummingbird's per-request context, carrying the peer address (aws:SourceIp).
public struct AWSRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
