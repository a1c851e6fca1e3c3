import NIOCore

/// Splits a byte stream into MySQL packets and back: a 3-byte little-endian length and a 1-byte sequence
/// id per frame; a payload of 0xFFFFFF bytes or more spans several frames, ended by a shorter one.
public struct MySQLPacketFramer: Sendable {
    /// The largest frame payload; a frame this long means "more follows".
    public static let maxFramePayload = 0xFF_FFFF

    /// Payloads larger than this are refused (like `max_allowed_packet`).
    public var maxPacketSize: Int
    private var partial: ByteBuffer?
    private var partialSequenceID: UInt8 = 0
    private var lastSequenceID: UInt8 = 0

    public init(maxPacketSize: Int = 64 * 1024 * 1024) {
        self.maxPacketSize = maxPacketSize
    }

    /// Takes the next complete packet off the front of `buffer`, or `nil` when more bytes are needed.
    public mutating func nextPacket(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> MySQLPacket? {
        while true {
            guard buffer.readableBytes >= 4,
                let low = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt16.self),
                let high = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt8.self),
                let sequenceID = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt8.self)
            else { return nil }
            let length = Int(low) | Int(high) << 16
            let accumulated = self.partial?.readableBytes ?? 0
            guard accumulated + length <= self.maxPacketSize else {
                throw .packetTooLarge(size: accumulated + length, limit: self.maxPacketSize)
            }
            guard buffer.readableBytes >= 4 + length else { return nil }
            buffer.moveReaderIndex(forwardBy: 4)
            var frame = buffer.readSlice(length: length)!
            if var partial = self.partial {
                guard sequenceID == self.lastSequenceID &+ 1 else {
                    throw .outOfSequence(expected: self.lastSequenceID &+ 1, received: sequenceID)
                }
                self.partial = nil
                partial.writeBuffer(&frame)
                frame = partial
            } else {
                self.partialSequenceID = sequenceID
            }
            self.lastSequenceID = sequenceID
            if length == Self.maxFramePayload {
                self.partial = frame
                continue
            }
            return MySQLPacket(sequenceID: self.partialSequenceID, payload: frame)
        }
    }

    /// Writes `payload` as one or more frames; returns the sequence id the next packet should use.
    @discardableResult
    public static func write(payload: ByteBuffer, sequenceID: UInt8, into out: inout ByteBuffer) -> UInt8 {
        var payload = payload
        var sequence = sequenceID
        while true {
            let length = min(payload.readableBytes, Self.maxFramePayload)
            out.writeMySQLInteger(UInt16(truncatingIfNeeded: length))
            out.writeInteger(UInt8(truncatingIfNeeded: length >> 16))
            out.writeInteger(sequence)
            var frame = payload.readSlice(length: length)!
            out.writeBuffer(&frame)
            sequence &+= 1
            if length < Self.maxFramePayload { return sequence }
        }
    }
}
