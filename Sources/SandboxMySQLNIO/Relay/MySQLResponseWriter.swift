import NIOConcurrencyHelpers
import NIOCore
import SandboxMySQLWire

/// Writes a response that a session relays from elsewhere to its client as the packets arrive, numbering
/// them on from the command. Backpressure: once more than `highWater` bytes are queued and not yet written
/// to the socket, the source is paused until they drain below `lowWater`.
public final class MySQLResponseWriter: MySQLRelayTarget {
    public static let highWater = 512 * 1024
    public static let lowWater = 128 * 1024

    private struct State {
        var sequenceID: UInt8
        var queued = 0
        var resume: (@Sendable () -> Void)?
        var gone = false
    }

    public let deprecateEOF: Bool
    /// The client connection's event loop.
    public var eventLoop: any EventLoop { self.channel.eventLoop }
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    init(channel: any Channel, firstSequenceID: UInt8, deprecateEOF: Bool) {
        self.channel = channel
        self.deprecateEOF = deprecateEOF
        self.state = NIOLockedValueBox(State(sequenceID: firstSequenceID))
    }

    /// Bytes handed to the channel and not yet written to the socket: what the relay holds for a slow client.
    public var queuedBytes: Int { self.state.withLockedValue { $0.queued } }

    public func send(_ payloads: [ByteBuffer], resume: @escaping @Sendable () -> Void) -> RelayDemand {
        let size = payloads.reduce(0) { $0 + $1.readableBytes + 4 }
        var out = self.channel.allocator.buffer(capacity: size)
        let demand = self.state.withLockedValue { state -> RelayDemand in
            guard !state.gone else { return .gone }
            for payload in payloads {
                state.sequenceID = MySQLPacketFramer.write(payload: payload, sequenceID: state.sequenceID, into: &out)
            }
            state.queued += out.readableBytes
            guard state.queued > Self.highWater else { return .more }
            state.resume = resume
            return .paused
        }
        guard demand != .gone else { return .gone }
        let written = out.readableBytes
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { result in
            if case .failure = result {
                self.written(written, clientGone: true)
            } else {
                self.written(written, clientGone: false)
            }
        }
        self.channel.writeAndFlush(out, promise: promise)
        return demand
    }

    private func written(_ bytes: Int, clientGone: Bool) {
        let resume = self.state.withLockedValue { state -> (@Sendable () -> Void)? in
            state.queued -= bytes
            if clientGone { state.gone = true }
            guard state.gone || state.queued <= Self.lowWater, let resume = state.resume else { return nil }
            state.resume = nil
            return resume
        }
        resume?()
    }
}
