import NIOCore

/// Applies the toxics of a connection's path to its bytes, first in the pipeline: `upstream` toxics to what
/// the client sends, `downstream` ones to what the server writes. The fault table is read as data passes, so
/// toxics added or removed at run time reach open connections; each toxic's toxicity is rolled once per connection.
final class ToxicHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Per direction: when the last scheduled piece goes out, and how many bytes have passed.
    private struct Lane {
        var next = NIODeadline.uptimeNanoseconds(0)
        var bytes = 0
    }

    private let table: FaultTable
    private let source: String
    private let destination: String
    private var rolls: [String: Bool] = [:]
    private var lanes: [Toxic.Stream: Lane] = [.upstream: Lane(), .downstream: Lane()]
    private var timers: Set<String> = []

    init(table: FaultTable, source: String, destination: String) {
        self.table = table
        self.source = source
        self.destination = destination
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startTimers(context: context, self.active(nil))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.passesUntouched(self.unwrapInboundIn(data), .upstream) {
            context.fireChannelRead(data)
            return context.fireChannelReadComplete()
        }
        let loop = context.eventLoop.assumeIsolated()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.pass(self.unwrapInboundIn(data), .upstream, context: context) { piece, delay in
            if delay == .zero {
                context.fireChannelRead(NIOAny(piece))
                context.fireChannelReadComplete()
            } else {
                loop.scheduleTask(in: delay) {
                    guard bound.value.channel.isActive else { return }
                    bound.value.fireChannelRead(NIOAny(piece))
                    bound.value.fireChannelReadComplete()
                }
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if self.passesUntouched(self.unwrapOutboundIn(data), .downstream) {
            return context.writeAndFlush(data, promise: promise)
        }
        let loop = context.eventLoop.assumeIsolated()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        var pieces: [(ByteBuffer, TimeAmount)] = []
        self.pass(self.unwrapOutboundIn(data), .downstream, context: context) { pieces.append(($0, $1)) }
        guard !pieces.isEmpty else {
            promise?.succeed()
            return
        }  // a timeout toxic swallowed the data
        // The write's promise goes with its last piece: it completes when the bytes are written (backpressure).
        for (index, (piece, delay)) in pieces.enumerated() {
            let piecePromise = index == pieces.count - 1 ? promise : nil
            if delay == .zero {
                context.writeAndFlush(NIOAny(piece), promise: piecePromise)
            } else {
                loop.scheduleTask(in: delay) {
                    guard bound.value.channel.isActive else {
                        piecePromise?.fail(ChannelError.ioOnClosedChannel)
                        return
                    }
                    bound.value.writeAndFlush(NIOAny(piece), promise: piecePromise)
                }
            }
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        let delays = self.active(nil).compactMap { toxic -> Int? in
            if case let .slowClose(milliseconds) = toxic.kind { return milliseconds }
            return nil
        }
        guard let delay = delays.max(), delay > 0 else { return context.close(mode: mode, promise: promise) }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delay))) {
            bound.value.close(mode: mode, promise: promise)
        }
    }

    /// Whether `buffer` goes on as it came (counted): no toxic applies to its stream and nothing delayed is still
    /// queued in it. The common case, without a pass through the toxics.
    private func passesUntouched(_ buffer: ByteBuffer, _ stream: Toxic.Stream) -> Bool {
        guard self.active(stream).isEmpty, let lane = self.lanes[stream], lane.next <= .now() else { return false }
        self.lanes[stream]?.bytes += buffer.readableBytes
        return true
    }

    /// Runs one chunk through the stream's toxics: `deliver` each piece after its delay from now (nothing when
    /// a timeout toxic stops the data).
    private func pass(
        _ buffer: ByteBuffer,
        _ stream: Toxic.Stream,
        context: ChannelHandlerContext,
        deliver: (ByteBuffer, TimeAmount) -> Void
    ) {
        let toxics = self.active(stream)
        self.startTimers(context: context, toxics)
        // data stops
        if toxics.contains(where: { if case .timeout = $0.kind { return true } else { return false } }) { return }
        var buffer = buffer
        var lane = self.lanes[stream]!
        var closeAfter = false
        for case let .limitData(bytes) in toxics.map(\.kind) where lane.bytes + buffer.readableBytes >= bytes {
            buffer =
                buffer.getSlice(at: buffer.readerIndex, length: max(0, min(buffer.readableBytes, bytes - lane.bytes)))
                ?? ByteBuffer()
            closeAfter = true
        }
        lane.bytes += buffer.readableBytes
        var pieces = [buffer]
        var gap = TimeAmount.zero
        for case let .slicer(average, variation, micros) in toxics.map(\.kind) where average > 0 {
            pieces = pieces.flatMap { Self.slice($0, average: average, variation: variation) }
            gap = .microseconds(Int64(micros))
        }
        let now = NIODeadline.now()
        var last: TimeAmount?
        for (index, piece) in pieces.enumerated() where piece.readableBytes > 0 || pieces.count == 1 {
            var delay = gap * Int64(index)
            for toxic in toxics {
                switch toxic.kind {
                case let .latency(milliseconds, jitter):
                    delay =
                        delay + .milliseconds(Int64(milliseconds + (jitter > 0 ? Int.random(in: -jitter...jitter) : 0)))
                case let .bandwidth(rate) where rate > 0:
                    delay = delay + .nanoseconds(Int64(piece.readableBytes) * 1_000_000_000 / Int64(rate * 1024))
                default: break
                }
            }
            let at = max(now + max(delay, .zero), lane.next)
            lane.next = at
            last = at - now
            deliver(piece, at - now)
        }
        self.lanes[stream] = lane
        if closeAfter {
            let channel = context.channel
            context.eventLoop.scheduleTask(in: (last ?? .zero) + .milliseconds(1)) { channel.close(promise: nil) }
        }
    }

    /// The toxics of this connection in `stream` (or both), after each one's toxicity roll.
    private func active(_ stream: Toxic.Stream?) -> [Toxic] {
        self.table.toxics(from: self.source, to: self.destination).filter { toxic in
            guard stream == nil || toxic.stream == stream else { return false }
            if let rolled = self.rolls[toxic.name] { return rolled }
            let applies = Double.random(in: 0..<1) < toxic.toxicity
            self.rolls[toxic.name] = applies
            return applies
        }
    }

    /// Starts, once per toxic, the clocks of `timeout` (close after) and `reset_peer` (reset after).
    private func startTimers(context: ChannelHandlerContext, _ toxics: [Toxic]) {
        let channel = context.channel
        for toxic in toxics where !self.timers.contains(toxic.name) {
            switch toxic.kind {
            case let .timeout(milliseconds) where milliseconds > 0:
                self.timers.insert(toxic.name)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) { channel.close(promise: nil) }
            case let .resetPeer(milliseconds):
                self.timers.insert(toxic.name)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                    DeniedConnectionHandler.resetConnection(channel)
                }
            default: break
            }
        }
    }

    private static func slice(_ buffer: ByteBuffer, average: Int, variation: Int) -> [ByteBuffer] {
        var buffer = buffer
        var pieces: [ByteBuffer] = []
        while buffer.readableBytes > 0 {
            let size = max(1, average + (variation > 0 ? Int.random(in: -variation...variation) : 0))
            pieces.append(buffer.readSlice(length: min(size, buffer.readableBytes))!)
        }
        return pieces
    }
}
