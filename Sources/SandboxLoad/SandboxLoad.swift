import Foundation
import NIOCore
import NIOPosix
import SandboxMySQLNIO
import SandboxSigV4

/// `make bench`'s load client. `LOAD_MODE=idle`: opens LOAD_COUNT TLS password clients, prints `held N`, keeps
/// them until a line arrives on stdin, then closes them. `LOAD_MODE=churn`: LOAD_COUNT connect–log in–quit
/// cycles, LOAD_CONCURRENCY at a time: every 4th with an IAM token over TLS, the rest with the password, every
/// 10th running a query, every 20th abandoned mid-handshake; prints `cycles N ok N failed N abandoned N`. Talks to
/// loopback only.
@main
struct SandboxLoad {
    static func main() async throws {
        let settings = try LoadSettings(environment: ProcessInfo.processInfo.environment)
        for proxy in [settings.password, settings.iam] where !proxy.host.hasPrefix("127.") {
            throw LoadFailure("\(proxy.host) is not a loopback address")
        }
        switch settings.mode {
        case "idle": try await Self.idle(settings)
        case "churn": try await Self.churn(settings)
        default: throw LoadFailure("LOAD_MODE must be idle or churn, not \(settings.mode)")
        }
    }

    static func idle(_ settings: LoadSettings) async throws {
        var clients: [MySQLConnection] = []
        clients.reserveCapacity(settings.count)
        while clients.count < settings.count {
            let batch = min(settings.concurrency, settings.count - clients.count)
            clients += try await withThrowingTaskGroup(of: MySQLConnection.self) { group in
                for _ in 0..<batch { group.addTask { try await Self.passwordLogin(settings) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        FileHandle.standardOutput.write(Data("held \(clients.count)\n".utf8))
        _ = readLine()
        for client in clients { _ = client.quit() }
        for client in clients { try? await client.channel.closeFuture.get() }
        print("closed \(clients.count)")
    }

    static func churn(_ settings: LoadSettings) async throws {
        var counts = (ok: 0, failed: 0, abandoned: 0)
        var next = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            func start(_ index: Int) {
                group.addTask {
                    if index % 20 == 19 {
                        await Self.abandon(settings.password)
                        return 2
                    }
                    do {
                        let connection =
                            index % 4 == 0
                            ? try await Self.iamLogin(settings) : try await Self.passwordLogin(settings, tls: false)
                        // borrows a target connection
                        if index % 10 == 0 { _ = try await connection.query("SELECT 1") }
                        try await connection.quit().get()
                        return 0
                    } catch {
                        return 1
                    }
                }
            }
            while next < min(settings.concurrency, settings.count) {
                start(next)
                next += 1
            }
            for try await outcome in group {
                switch outcome {
                case 0: counts.ok += 1
                case 1: counts.failed += 1
                default: counts.abandoned += 1
                }
                if next < settings.count {
                    start(next)
                    next += 1
                }
            }
        }
        print("cycles \(settings.count) ok \(counts.ok) failed \(counts.failed) abandoned \(counts.abandoned)")
    }

    static func passwordLogin(_ settings: LoadSettings, tls: Bool = true) async throws -> MySQLConnection {
        var trust = settings.tls
        trust.serverHostname = settings.password.endpoint
        return try await MySQLConnection.connect(
            host: settings.password.host,
            port: settings.password.port,
            configuration: .init(username: settings.user, password: settings.secret, tls: tls ? .required : .disabled),
            tls: tls ? trust : nil,
            loginTimeout: .seconds(30)
        )
    }

    static func iamLogin(_ settings: LoadSettings) async throws -> MySQLConnection {
        var trust = settings.tls
        trust.serverHostname = settings.iam.endpoint
        let token = RDSAuthToken.generate(
            host: settings.iam.endpoint,
            port: 3306,
            region: "us-east-1",
            user: settings.user,
            credentials: settings.credentials
        )
        return try await MySQLConnection.connect(
            host: settings.iam.host,
            port: settings.iam.port,
            configuration: .init(username: settings.user, password: token, authPlugin: .clearPassword, tls: .required),
            tls: trust,
            loginTimeout: .seconds(30)
        )
    }

    /// Connects, reads the greeting, sends the first three bytes of a packet header, and hangs up.
    static func abandon(_ proxy: LoadSettings.Proxy) async {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(HangUp()) }
        }
        let channel = try? await bootstrap.connect(host: proxy.host, port: proxy.port).get()
        try? await channel?.closeFuture.get()
    }

    final class HangUp: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: [0x20, 0x00, 0x00])), promise: nil)
            context.close(promise: nil)
        }
    }
}
