import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SandboxAWSCore
import SandboxAudit
import SandboxHTTP
import SandboxLifecycle
import SandboxSigV4
import ServiceLifecycle

/// One HTTP endpoint for every fake AWS service (like LocalStack's edge port). Every request is verified
/// with SigV4, its caller resolved to a principal, routed by the credential scope's service, and authorized
/// with IAM policy evaluation inside the service. A `ListeningService`: it binds when run.
public struct AWSEndpoint: ListeningService {
    public let account: AccountState
    private let listener: HTTPListener

    public var host: String { self.listener.host }
    /// The bound port (0 until it listens).
    public var port: Int { self.listener.port }
    public var listening: Readiness<Int> { self.listener.listening }

    /// The URL clients pass as `--endpoint-url` / `AWS_ENDPOINT_URL` (once it listens).
    public var url: String { self.listener.url }

    /// Serves `account` on `host:port` (port 0: ephemeral) once run.
    /// `routes` adds the sandbox's own APIs beside AWS's `/` (as LocalStack serves its internals on its edge port);
    /// `restServices` are REST-protocol services (Lambda, API Gateway) by signing name, served on every other path.
    public init(
        account: AccountState,
        host: String = "127.0.0.1",
        port: Int = 0,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = SandboxLogging.defaultLogger(label: "cloudsandbox.aws"),
        restServices: [String: any RESTService] = [:],
        routes: (Router<AWSRequestContext>) -> Void = { _ in }
    ) {
        let responses = AWSResponses(logger: logger)
        var dispatcher = AWSDispatcher(account: account, responses: responses)
        dispatcher.restServices = restServices
        let router = Router(context: AWSRequestContext.self)
        routes(router)
        // AWS's routes, behind SigV4; the sandbox's own (above) are not signed.
        let aws = router.group().add(
            middleware: SigV4Middleware(
                account: account,
                clock: clock,
                responses: responses,
                restServices: Set(restServices.keys)
            )
        )
        for method in [HTTPRequest.Method.get, .post] {
            aws.on("/", method: method) { [dispatcher] request, context in
                await dispatcher.respond(to: request, context: context)
            }
        }
        if !restServices.isEmpty {
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] {
                aws.on("/**", method: method) { [dispatcher] request, context in
                    await dispatcher.respond(to: request, context: context)
                }
            }
        }
        self.account = account
        self.listener = HTTPListener(responder: router.buildResponder(), host: host, port: port, logger: logger)
    }

    public func run() async throws { try await self.listener.run() }
}

/// Hummingbird's per-request context, carrying the peer address (aws:SourceIp) and, once `SigV4Middleware` has
/// verified the request, the request as AWS sees it and its caller.
public struct AWSRequestContext: RequestContext, RemoteAddressRequestContext {
    /// A request whose signature checked out: its parts, the caller and the protocol to answer in.
    public struct Verified: Sendable {
        var request: AWSRequest
        var call: AWSCall
        var form: AWSResponses.Form
    }

    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, closed after a refusal that must not read the rest of the request.
    public let channel: any Channel
    /// Set by `SigV4Middleware` on AWS's routes (nil on the sandbox's own).
    public internal(set) var aws: Verified?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }
}
