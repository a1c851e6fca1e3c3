import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SandboxLifecycle
import SandboxMySQLWire

/// Runs a `ServerConnectionStateMachine` on a channel. `run(_:)` is the only place with side effects.
/// While a command runs, reading stops once 64 KB wait behind it (a client flooding the connection is held
/// by TCP, not buffered here).
///
/// Framing is done here rather than in a separate decoder so that, on an SSLRequest, the bytes already
/// read behind it (the ClientHello often arrives in the same read) can be handed to the TLS handler that
/// is inserted synchronously in front of this one.
///
/// A read is framed where it lies (no copy); only the bytes of an unfinished packet are kept, copied, so an idle
/// connection holds no buffer and the channel's (or TLS's) read buffer is free for its next read.
final class MySQLServerChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: ServerConnectionStateMachine
    private var framer: MySQLPacketFramer
    /// Bytes read and not yet framed: a read being framed, or the start of a packet still arriving.
    private var inbound = MySQLServerChannelHandler.nothingRead
    /// Whether `inbound` is the channel's read buffer itself rather than a copy this handler owns.
    private var inboundIsBorrowed = false
    private static let nothingRead = ByteBufferAllocator().buffer(capacity: 0)
    private let setup: MySQLSessionSetup
    private let info: MySQLConnectionInfo
    private let baseLogger: Logger
    private var logger: Logger { self.info.logger(from: self.baseLogger) }
    private var readGate = BusyReadGate()

    init(setup: MySQLSessionSetup, info: MySQLConnectionInfo, logger: Logger) {
        self.setup = setup
        self.machine = ServerConnectionStateMachine(configuration: setup.machine)
        self.framer = MySQLPacketFramer(maxPacketSize: setup.maxPacketSize)
        self.info = info
        self.baseLogger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        self.run(self.machine.connected(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.machine.closed()
        self.setup.session.closed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        if self.inbound.readableBytes == 0 {
            self.inbound = bytes
            self.inboundIsBorrowed = true
        } else {
            self.inbound.writeBuffer(&bytes)
        }
        self.drain(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if self.readGate.read(busy: !self.machine.isReadyForPacket, buffered: self.inbound.readableBytes) {
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
        self.logger.debug("mysql connection error, closing", metadata: ["mysql.error": "\(error)"])
        self.setup.session.failed(error)
        context.close(promise: nil)
    }

    /// Feeds buffered packets to the machine while it can take them.
    private func drain(context: ChannelHandlerContext) {
        while self.machine.isReadyForPacket, context.channel.isActive {
            let packet: MySQLPacket?
            do {
                packet = try self.framer.nextPacket(from: &self.inbound)
            } catch {
                self.logger.info("malformed packet stream, closing", metadata: ["mysql.error": "\(error)"])
                let reply = Self.framingError(error)
                self.run(
                    .writeAndClose([MySQLPacket(sequenceID: 0, payload: .build { reply.encode(into: &$0) })]),
                    context: context
                )
                return
            }
            guard let packet else { break }
            self.run(self.machine.packetReceived(packet), context: context)
        }
        self.keepUnframed(context: context)
        if self.readGate.release(busy: !self.machine.isReadyForPacket, buffered: self.inbound.readableBytes) {
            context.read()
        }
    }

    /// Lets go of what is framed: nothing kept when all is, else the rest in a buffer of this handler's own.
    private func keepUnframed(context: ChannelHandlerContext) {
        if self.inbound.readableBytes == 0 {
            self.inbound = Self.nothingRead
        } else if self.inboundIsBorrowed {
            var rest = context.channel.allocator.buffer(capacity: self.inbound.readableBytes)
            rest.writeBuffer(&self.inbound)
            self.inbound = rest
        } else {
            self.inbound.discardReadBytes()
        }
        self.inboundIsBorrowed = false
    }

    private func run(_ action: ServerConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case let .write(packets):
            self.write(packets, context: context)
        case let .writeAndClose(packets):
            if let error = packets.first.flatMap({ $0.firstByte == 0xFF ? $0 : nil }) {
                var payload = error.payload
                self.logger.info(
                    "refused",
                    metadata: ["mysql.error": "\((try? ErrorPacket.decode(from: &payload))?.description ?? "")"]
                )
            }
            self.write(packets, context: context)
            context.close(promise: nil)
        case .startTLS:
            self.startTLS(context: context)
        case let .askAuthMethod(request):
            // Logins are decided on the loop (no hop to a task and back per step).
            self.run(self.machine.authMethodDetermined(self.setup.session.authMethod(for: request)), context: context)
        case let .verify(request, proof):
            self.run(self.machine.verdictReceived(self.setup.session.verify(request, proof: proof)), context: context)
        case let .authenticated(request, packets):
            self.setup.session.authenticated(request)
            self.write(packets, context: context)
        case let .execute(command):
            let session = self.setup.session
            let writer = MySQLResponseWriter(
                channel: context.channel,
                firstSequenceID: self.machine.nextSequenceID,
                deprecateEOF: self.machine.deprecateEOF
            )
            if let started = session.startExecute(command, writer: writer) {
                started.hop(to: context.eventLoop).assumeIsolated().whenSuccess { response in
                    self.run(self.machine.commandCompleted(response), context: context)
                    self.drain(context: context)
                }
            } else {
                self.runOffLoop(
                    context: context,
                    { await session.execute(command, writer: writer) },
                    then: { $0.machine.commandCompleted($1) }
                )
            }
        case .close:
            context.close(promise: nil)
        case .none:
            break
        }
    }

    /// Runs `work` off the event loop, then feeds its answer to the machine back on the loop.
    private func runOffLoop<T: Sendable>(
        context: ChannelHandlerContext,
        _ work: @escaping @Sendable () async -> T,
        then event: @escaping (MySQLServerChannelHandler, T) -> ServerConnectionStateMachine.Action
    ) {
        let promise = context.eventLoop.makePromise(of: T.self)
        promise.completeWithTask(work)
        promise.futureResult.assumeIsolated().whenSuccess { value in
            self.run(event(self, value), context: context)
            self.drain(context: context)
        }
    }

    private func startTLS(context: ChannelHandlerContext) {
        guard let tls = self.setup.tls else { return context.close(promise: nil) }
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        } catch {
            return context.close(promise: nil)
        }
        // Bytes read behind the SSLRequest belong to the TLS handshake: send them through the TLS handler.
        let leftover = self.inbound.readSlice(length: self.inbound.readableBytes)!
        self.keepUnframed(context: context)
        if leftover.readableBytes > 0 { context.pipeline.syncOperations.fireChannelRead(NIOAny(leftover)) }
    }

    private func write(_ packets: [MySQLPacket], context: ChannelHandlerContext) {
        guard !packets.isEmpty else { return }
        var out = context.channel.allocator.buffer(capacity: packets.reduce(0) { $0 + $1.payload.readableBytes + 4 })
        for packet in packets {
            MySQLPacketFramer.write(payload: packet.payload, sequenceID: packet.sequenceID, into: &out)
        }
        context.writeAndFlush(self.wrapOutboundOut(out), promise: nil)
    }

    private static func framingError(_ error: MySQLProtocolError) -> ErrorPacket {
        switch error {
        case .packetTooLarge:
            ErrorPacket(code: 1153, sqlState: "08S01", message: "Got a packet bigger than 'max_allowed_packet' bytes")
        case .outOfSequence:
            ErrorPacket(code: 1156, sqlState: "08S01", message: "Got packets out of order")
        default:
            .malformedPacket("\(error)")
        }
    }
}
