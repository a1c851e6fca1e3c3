import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SandboxLifecycle
import SandboxPostgresWire

/// Runs a `PostgresServerStateMachine` on a channel. `run(_:)` is the only place with side effects. While a command
/// runs, reading stops once 64 KB wait behind it (a client flooding the connection is held by TCP, not buffered here).
final class PostgresServerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: PostgresServerStateMachine
    private var framer: PostgresMessageFramer
    private var inbound = ByteBuffer()
    private let setup: PostgresSessionSetup
    private let info: PostgresConnectionInfo
    private let cancel: @Sendable (Int32, Int32) -> Void
    private let baseLogger: Logger
    private var logger: Logger { self.info.logger(from: self.baseLogger) }
    private var readGate = BusyReadGate()
    /// Replies written since the last flush: flushed once when `drain` has fed all it can (one write for a pipeline).
    private var unflushed = false

    init(
        setup: PostgresSessionSetup,
        info: PostgresConnectionInfo,
        cancel: @escaping @Sendable (Int32, Int32) -> Void,
        logger: Logger
    ) {
        self.setup = setup
        self.machine = PostgresServerStateMachine(configuration: setup.machine)
        self.framer = PostgresMessageFramer(untyped: true, maxMessageSize: setup.maxMessageSize)
        (self.info, self.cancel, self.baseLogger) = (info, cancel, logger)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.machine.closed()
        self.setup.session.closed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        self.inbound.writeBuffer(&bytes)
        self.drain(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if self.readGate.read(busy: !self.machine.isReadyForFrame, buffered: self.inbound.readableBytes) {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            self.run(self.machine.tlsEstablished(), context: context)
            self.drain(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.logger.debug("postgres connection error, closing", metadata: ["postgres.error": "\(error)"])
        self.setup.session.failed(error)
        context.close(promise: nil)
    }

    /// Feeds buffered messages to the machine while it can take them.
    private func drain(context: ChannelHandlerContext) {
        while self.machine.isReadyForFrame, context.channel.isActive {
            self.framer.untyped = self.machine.expectsUntypedMessage
            let frame: PostgresFrame?
            do {
                frame = try self.framer.nextFrame(from: &self.inbound)
            } catch {
                self.logger.info("malformed message stream, closing", metadata: ["postgres.error": "\(error)"])
                self.run(self.machine.framingFailed(error), context: context)
                return self.flushIfNeeded(context: context)
            }
            guard let frame else { break }
            self.run(self.machine.frameReceived(frame), context: context)
        }
        self.inbound.discardReadBytes()
        self.flushIfNeeded(context: context)
        if self.readGate.release(busy: !self.machine.isReadyForFrame, buffered: self.inbound.readableBytes) {
            context.read()
        }
    }

    private func run(_ action: PostgresServerStateMachine.Action, context: ChannelHandlerContext) {
        let session = self.setup.session
        switch action {
        case let .write(messages):
            self.write(messages, context: context)
        case let .writeAndClose(messages):
            if case let .error(error)? = messages.first {
                self.logger.info("refused", metadata: ["postgres.error": "\(error)"])
            }
            self.write(messages, context: context)
            self.flushIfNeeded(context: context)
            context.close(promise: nil)
        case .startTLS:
            self.startTLS(context: context)
        case .refuseEncryption:
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(integer: UInt8(ascii: "N"))), promise: nil)
        case let .askAuthMethod(startup):
            self.run(self.machine.authMethodDetermined(session.authMethod(for: startup)), context: context)
        case let .verify(startup, credential):
            self.run(self.machine.verdictReceived(session.verify(startup, credential)), context: context)
        case let .authenticated(startup, messages):
            session.authenticated(startup)
            self.write(messages, context: context)
        case let .execute(command):
            if let result = session.executeAtOnce(command) {
                return self.run(self.machine.commandCompleted(result), context: context)  // drain's loop reads on
            }
            let result: EventLoopFuture<PostgresServerStateMachine.CommandResult>
            if let started = session.startExecute(command, on: context.eventLoop) {
                result = started.hop(to: context.eventLoop)
            } else {
                let promise = context.eventLoop.makePromise(of: PostgresServerStateMachine.CommandResult.self)
                promise.completeWithTask { await session.execute(command) }
                result = promise.futureResult
            }
            result.assumeIsolated().whenSuccess { result in
                self.run(self.machine.commandCompleted(result), context: context)
                self.drain(context: context)
            }
        case let .cancel(processID, secretKey):
            self.cancel(processID, secretKey)
            context.close(promise: nil)
        case .close:
            context.close(promise: nil)
        case .none:
            break
        }
    }

    private func startTLS(context: ChannelHandlerContext) {
        // Bytes behind an SSLRequest were sent before the server said S: in the clear (CVE-2021-23214). Refused.
        guard let tls = self.setup.tls, self.inbound.readableBytes == 0 else {
            self.write(
                [.error(PostgresError(.fatal, "08P01", "received unencrypted data after SSL request"))],
                context: context
            )
            self.flushIfNeeded(context: context)
            return context.close(promise: nil)
        }
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(integer: UInt8(ascii: "S"))), promise: nil)
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        } catch {
            context.close(promise: nil)
        }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard self.unflushed else { return }
        self.unflushed = false
        context.flush()
    }

    private func write(_ messages: [BackendMessage], context: ChannelHandlerContext) {
        guard !messages.isEmpty else { return }
        var out = context.channel.allocator.buffer(capacity: 256)
        for message in messages { message.write(into: &out) }
        context.write(self.wrapOutboundOut(out), promise: nil)
        self.unflushed = true
    }
}
