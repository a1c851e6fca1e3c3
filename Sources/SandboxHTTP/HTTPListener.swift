import Hummingbird
import Logging
import NIOCore
import SandboxLifecycle
import ServiceLifecycle

/// One Hummingbird application as a `ListeningService`: the AWS endpoint, each HTTP API's listener and each Lambda
/// Runtime API share this one way to serve HTTP. It binds when `run()` starts and stops gracefully (requests in
/// flight finish) on the graceful shutdown of the group that runs it.
public struct HTTPListener: ListeningService {
    public let host: String
    public let listening = Readiness<Int>()
    private let application: any Service

    /// Serves `responder` on `host:port` (0: ephemeral) once run.
    public init<Responder: HTTPResponder>(
        responder: Responder,
        host: String,
        port: Int = 0,
        serverName: String = "CloudSandbox",
        logger: Logger
    )
    where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let listening = self.listening
        self.host = host
        self.application = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in listening.succeed(channel.localAddress?.port ?? 0) },
            logger: quiet
        )
    }

    /// The bound port (0 until it listens).
    public var port: Int { (try? self.listening.result?.get()) ?? 0 }

    /// `http://host:port`
    public var url: String { "http://\(self.host):\(self.port)" }

    public func run() async throws {
        do { try await self.application.run() } catch {
            self.listening.fail(error)
            throw error
        }
        self.listening.fail(StoppedBeforeListening(service: "HTTP listener on \(self.host)"))
    }
}
