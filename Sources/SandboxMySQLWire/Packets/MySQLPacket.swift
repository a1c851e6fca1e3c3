import NIOCore

/// One logical MySQL packet: a payload (already reassembled if it was split) and the sequence id of its
/// first frame.
public struct MySQLPacket: Sendable, Equatable {
    public var sequenceID: UInt8
    public var payload: ByteBuffer

    public init(sequenceID: UInt8, payload: ByteBuffer) {
        self.sequenceID = sequenceID
        self.payload = payload
    }

    /// The first payload byte, which identifies most messages (0x00 OK, 0xFF ERR, 0xFE EOF, ...).
    public var firstByte: UInt8? { self.payload.getInteger(at: self.payload.readerIndex) }

    /// How many sequence ids the packet takes on the wire: one per 16 MB frame, plus the shorter frame that ends it.
    public var frameCount: UInt8 { Self.frameCount(payloadLength: self.payload.readableBytes) }

    public static func frameCount(payloadLength: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: payloadLength / MySQLPacketFramer.maxFramePayload + 1)
    }
}
