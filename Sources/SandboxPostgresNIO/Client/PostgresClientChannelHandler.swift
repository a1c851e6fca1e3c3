import NIOCore
import NIOSSL
import NIOTLS
import SandboxPostgresWire

/// Runs a `PostgresClientStateMachine` for the login, then answers each exchange with the messages up to
/// ReadyForQuery. Exchanges queue; one is on the wire at a time.
final class PostgresClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Login: Sendable {
        var parameters: [String: String]
        var processID: Int32
        var secretKey: Int32
    }

    private var machine: PostgresClientStateMachine
    private var framer = PostgresMessageFramer(untyped: false)
    private var inbound = ByteBuffer()
    private let login: EventLoopPromise<Login>
    private let makeTLS: () throws -> NIOSSLClientHandler
    private var loggedIn = false
    private var queue: [(messages: [FrontendMessage], promise: EventLoopPromise<[BackendMessage]>)] = []
    private var current: (promise: EventLoopPromise<[BackendMessage]>, received: [BackendMessage])?
    private var context: ChannelHandlerContext?

    init(
        configuration: PostgresClientStateMachine.Configuration,
        login: EventLoopPromise<Login>,
        makeTLS: @escaping () throws -> NIOSSLClientHandler
    ) {
        self.machine = PostgresClientStateMachine(configuration: configuration)
        (self.login, self.makeTLS) = (login, makeTLS)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        self.run(self.machine.start(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.login.fail(PostgresClientError.connectionClosed)
        self.current?.promise.fail(PostgresClientError.connectionClosed)
        self.current = nil
        for pending in self.queue { pending.promise.fail(PostgresClientError.connectionClosed) }
        self.queue.removeAll()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            self.run(self.machine.tlsEstablished(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.login.fail(error)
        self.current?.promise.fail(error)
        self.current = nil
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        if self.machine.expectsSSLAnswer, let answer = bytes.readInteger(as: UInt8.self) {
            self.run(self.machine.sslAnswerReceived(answer), context: context)
        }
        self.inbound.writeBuffer(&bytes)
        do {
            while context.channel.isActive, let frame = try self.framer.nextFrame(from: &self.inbound) {
                let message = try BackendMessage(frame)
                if self.loggedIn {
                    self.received(message, context: context)
                } else {
                    self.run(self.machine.messageReceived(message), context: context)
                }
            }
        } catch {
            self.errorCaught(context: context, error: PostgresClientError.protocolViolation(error))
        }
        self.inbound.discardReadBytes()
    }

    func send(_ messages: [FrontendMessage], promise: EventLoopPromise<[BackendMessage]>) {
        guard let context = self.context, context.channel.isActive else {
            return promise.fail(PostgresClientError.connectionClosed)
        }
        self.queue.append((messages, promise))
        self.sendNext(context: context)
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard self.current == nil, !self.queue.isEmpty else { return }
        let next = self.queue.removeFirst()
        self.current = (next.promise, [])
        var out = context.channel.allocator.buffer(capacity: 256)
        for message in next.messages { message.write(into: &out) }
        context.writeAndFlush(self.wrapOutboundOut(out), promise: nil)
    }

    private func received(_ message: BackendMessage, context: ChannelHandlerContext) {
        guard var current = self.current else { return }  // a notice or parameter change between exchanges
        current.received.append(message)
        if case .readyForQuery = message {
            self.current = nil
            current.promise.succeed(current.received)
            self.sendNext(context: context)
        } else {
            self.current = current
        }
    }

    private func run(_ action: PostgresClientStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case let .writeOpening(message):
            var out = context.channel.allocator.buffer(capacity: 64)
            PostgresMessageFramer.write(type: nil, body: message.body(), into: &out)
            context.writeAndFlush(self.wrapOutboundOut(out), promise: nil)
        case let .write(message):
            var out = context.channel.allocator.buffer(capacity: 64)
            message.write(into: &out)
            context.writeAndFlush(self.wrapOutboundOut(out), promise: nil)
        case .startTLS:
            do {
                try context.pipeline.syncOperations.addHandler(try self.makeTLS(), position: .first)
            } catch {
                self.errorCaught(context: context, error: error)
            }
        case let .ready(parameters, process, secret):
            self.loggedIn = true
            self.login.succeed(Login(parameters: parameters, processID: process, secretKey: secret))
        case let .fail(failure):
            self.login.fail(PostgresClientError.login(failure))
            context.close(promise: nil)
        case .none:
            break
        }
    }
}
