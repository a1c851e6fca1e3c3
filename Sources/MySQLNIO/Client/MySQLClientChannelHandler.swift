import MySQLWire
import NIOCore
import NIOSSL
import NIOTLS

/// Runs a `ClientConnectionStateMachine` on a channel: completes the login promise, then one queued
/// command at a time. `run(_:)` is the only place with side effects.
final class MySQLClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Request {
        var command: MySQLCommand
        var promise: EventLoopPromise<ClientConnectionStateMachine.CommandResult>
    }

    private var machine: ClientConnectionStateMachine
    private var framer = MySQLPacketFramer()
    private var inbound = ByteBuffer()
    private let login: EventLoopPromise<HandshakeV10>
    private let makeTLSHandler: () throws -> NIOSSLClientHandler
    private var queue: [Request] = []
    private var inFlight: Request?
    private var loggedIn = false
    private var context: ChannelHandlerContext?

    init(configuration: MySQLClientConfiguration, login: EventLoopPromise<HandshakeV10>,
         makeTLSHandler: @escaping () throws -> NIOSSLClientHandler) {
        self.machine = ClientConnectionStateMachine(configuration: configuration)
        self.login = login
        self.makeTLSHandler = makeTLSHandler
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Queues a command; called on the event loop.
    func enqueue(_ request: Request) {
        guard let context, context.channel.isActive else {
            return request.promise.fail(MySQLClientError.connectionClosed)
        }
        self.queue.append(request)
        self.sendNext(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        self.inbound.writeBuffer(&bytes)
        do {
            while let packet = try self.framer.nextPacket(from: &self.inbound) {
                self.run(self.machine.packetReceived(packet), context: context)
            }
        } catch {
            self.failAll(.protocolViolation("\(error)"))
            context.close(promise: nil)
        }
        self.inbound.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.run(self.machine.connectionClosed(), context: context)
        self.failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            self.run(self.machine.tlsEstablished(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !self.loggedIn { self.login.fail(error) }
        self.failAll(.protocolViolation("\(error)"))
        context.close(promise: nil)
    }

    private func run(_ action: ClientConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case let .write(packets):
            var out = context.channel.allocator.buffer(capacity: 256)
            for packet in packets { MySQLPacketFramer.write(payload: packet.payload, sequenceID: packet.sequenceID, into: &out) }
            context.writeAndFlush(self.wrapOutboundOut(out), promise: nil)
        case let .writeSSLRequestAndStartTLS(packet):
            self.run(.write([packet]), context: context)
            do {
                try context.pipeline.syncOperations.addHandler(try self.makeTLSHandler(), position: .first)
            } catch {
                self.login.fail(error)
                context.close(promise: nil)
            }
        case let .loggedIn(greeting):
            self.loggedIn = true
            self.login.succeed(greeting)
        case let .loginFailed(error):
            if !self.loggedIn { self.login.fail(error) }
            context.close(promise: nil)
        case let .commandCompleted(result):
            self.inFlight?.promise.succeed(result)
            self.inFlight = nil
            self.sendNext(context: context)
        case let .commandFailed(error):
            self.inFlight?.promise.fail(error)
            self.inFlight = nil
            if error.serverError == nil { context.close(promise: nil) } else { self.sendNext(context: context) }
        case .none:
            break
        }
    }

    private func sendNext(context: ChannelHandlerContext) {
        while self.inFlight == nil, self.loggedIn, !self.queue.isEmpty {
            let request = self.queue.removeFirst()
            let action = self.machine.send(request.command)
            switch request.command {
            case .statementClose, .quit:
                self.run(action, context: context)
                request.promise.succeed(.none)
            default:
                self.inFlight = request
                self.run(action, context: context)
            }
        }
    }

    private func failAll(_ error: MySQLClientError) {
        self.inFlight?.promise.fail(error)
        self.inFlight = nil
        for request in self.queue { request.promise.fail(error) }
        self.queue.removeAll()
    }
}
