import NIOCore
import NIOSSL
import NIOTLS
import SandboxMySQLWire

/// Runs a `ClientConnectionStateMachine` on a channel: completes the login promise, then one queued
/// command at a time, its response assembled or relayed to a target. `run(_:)` is the only place with side
/// effects. While a relay target is paused, the channel's reads are held back (backpressure to the server).
final class MySQLClientChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Request {
        enum Reply {
            case result(EventLoopPromise<ClientConnectionStateMachine.CommandResult>)
            case relay(any MySQLRelayTarget, EventLoopPromise<ResponseRelay.End>)
        }
        var command: MySQLCommand
        var reply: Reply

        func fail(_ error: any Error) {
            switch self.reply {
            case let .result(promise): promise.fail(error)
            case let .relay(_, promise): promise.fail(error)
            }
        }
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
    /// Payloads of the relayed response read so far and not yet sent to its target.
    private var relayed: [ByteBuffer] = []
    private var readPaused = false
    private var readPending = false

    init(
        configuration: MySQLClientConfiguration,
        login: EventLoopPromise<HandshakeV10>,
        makeTLSHandler: @escaping () throws -> NIOSSLClientHandler
    ) {
        self.machine = ClientConnectionStateMachine(configuration: configuration)
        self.login = login
        self.makeTLSHandler = makeTLSHandler
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Queues a command; called on the event loop.
    func enqueue(_ request: Request) {
        guard let context, context.channel.isActive else {
            return request.fail(MySQLClientError.connectionClosed)
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
            self.sendRelayed(context: context)
        } catch {
            self.failAll(.protocolViolation("\(error)"))
            context.close(promise: nil)
        }
        self.inbound.discardReadBytes()
    }

    func read(context: ChannelHandlerContext) {
        if self.readPaused { self.readPending = true } else { context.read() }
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
            for packet in packets {
                MySQLPacketFramer.write(payload: packet.payload, sequenceID: packet.sequenceID, into: &out)
            }
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
            if case let .result(promise) = self.inFlight?.reply { promise.succeed(result) }
            self.inFlight = nil
            self.sendNext(context: context)
        case let .commandFailed(error):
            self.inFlight?.fail(error)
            self.inFlight = nil
            if error.serverError == nil { context.close(promise: nil) } else { self.sendNext(context: context) }
        case let .relayed(.forward(payload)):
            self.relayed.append(payload)
        case let .relayed(.forwardWithEOF(payload, eof)):
            self.relayed += [payload, eof]
        case .relayed(.drop):
            break
        case let .relayed(.finished(payload, end)):
            self.relayed.append(payload)
            let request = self.inFlight
            if self.sendRelayed(context: context), case let .relay(_, promise) = request?.reply { promise.succeed(end) }
            self.inFlight = nil
            self.resumeReading(context: context)  // the next command's answer must not wait on this client's drain
            self.sendNext(context: context)
        case .none:
            break
        }
    }

    /// Hands the relayed packets read so far to the target; pauses reading if it asks, closes if its client
    /// is gone (the rest of the response has nowhere to go). Returns false when the relay was abandoned.
    @discardableResult
    private func sendRelayed(context: ChannelHandlerContext) -> Bool {
        guard !self.relayed.isEmpty, case let .relay(target, promise) = self.inFlight?.reply else { return true }
        let payloads = self.relayed
        self.relayed.removeAll(keepingCapacity: true)
        let resume = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        switch target.send(
            payloads,
            resume: { resume.eventLoop.execute { resume.value.0.resumeReading(context: resume.value.1) } }
        ) {
        case .more: return true
        case .paused:
            self.readPaused = true
            return true
        case .gone:
            self.inFlight = nil
            promise.fail(MySQLClientError.connectionClosed)
            context.close(promise: nil)
            return false
        }
    }

    private func resumeReading(context: ChannelHandlerContext) {
        self.readPaused = false
        if self.readPending {
            self.readPending = false
            context.read()
        }
    }

    private func sendNext(context: ChannelHandlerContext) {
        while self.inFlight == nil, self.loggedIn, !self.queue.isEmpty {
            let request = self.queue.removeFirst()
            let action: ClientConnectionStateMachine.Action
            if case let .relay(target, _) = request.reply {
                action = self.machine.relay(request.command, clientDeprecatesEOF: target.deprecateEOF)
            } else {
                action = self.machine.send(request.command)
            }
            switch request.command {
            case .statementClose, .quit:
                self.run(action, context: context)
                if case let .result(promise) = request.reply { promise.succeed(.none) }
            default:
                self.inFlight = request
                self.run(action, context: context)
            }
        }
    }

    private func failAll(_ error: MySQLClientError) {
        self.inFlight?.fail(error)
        self.inFlight = nil
        self.relayed.removeAll()
        for request in self.queue { request.fail(error) }
        self.queue.removeAll()
    }
}
