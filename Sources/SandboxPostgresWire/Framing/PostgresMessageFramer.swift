import NIOCore

/// One message of the PostgreSQL protocol (v3) as framed on the wire: a type byte (none for the untyped messages a
/// client opens with: StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) and its body.
public struct PostgresFrame: Sendable, Equatable {
    /// The type byte (`Q`, `P`, `p`, ...); nil for an untyped opening message.
    public var type: UInt8?
    public var body: ByteBuffer

    public init(type: UInt8?, body: ByteBuffer) {
        (self.type, self.body) = (type, body)
    }
}

/// Splits a byte stream into PostgreSQL messages: a length (Int32, big-endian, counting itself) before each body,
/// after a type byte except for a client's opening messages. A server's framer starts `untyped` and is switched to
/// typed messages once the startup is read (an SSLRequest is followed by another untyped message).
public struct PostgresMessageFramer: Sendable {
    /// Bodies larger than this are refused. PostgreSQL's own limit is 1 GB; an opening message is at most 10,000 bytes.
    public var maxMessageSize: Int
    /// Whether the next message has no type byte.
    public var untyped: Bool

    public static let maxStartupSize = 10_000

    public init(untyped: Bool, maxMessageSize: Int = 64 * 1024 * 1024) {
        (self.untyped, self.maxMessageSize) = (untyped, maxMessageSize)
    }

    /// Takes the next whole message off the front of `buffer`, or nil when more bytes are needed.
    public mutating func nextFrame(from buffer: inout ByteBuffer) throws(PostgresProtocolError) -> PostgresFrame? {
        let header = self.untyped ? 4 : 5
        guard buffer.readableBytes >= header,
            let length = buffer.getInteger(at: buffer.readerIndex + header - 4, as: Int32.self)
        else { return nil }
        let limit = self.untyped ? Self.maxStartupSize : self.maxMessageSize
        guard length >= 4 else { throw .badLength(Int(length)) }
        guard Int(length) - 4 <= limit else { throw .messageTooLarge(size: Int(length) - 4, limit: limit) }
        guard buffer.readableBytes >= header - 4 + Int(length) else { return nil }
        let type = self.untyped ? nil : buffer.readInteger(as: UInt8.self)
        buffer.moveReaderIndex(forwardBy: 4)
        return PostgresFrame(type: type, body: buffer.readSlice(length: Int(length) - 4)!)
    }

    /// Writes a message: `type` (nil for an untyped one), the length, `body`.
    public static func write(type: UInt8?, body: ByteBuffer, into out: inout ByteBuffer) {
        if let type { out.writeInteger(type) }
        out.writeInteger(Int32(body.readableBytes + 4))
        out.writeImmutableBuffer(body)
    }
}

extension ByteBuffer {
    /// A NUL-terminated string (PostgreSQL's `String`), or nil when no NUL ends it.
    public mutating func readPostgresString() -> String? {
        guard let end = self.readableBytesView.firstIndex(of: 0) else { return nil }
        let string = self.readString(length: end - self.readerIndex)
        self.moveReaderIndex(forwardBy: 1)
        return string
    }

    public mutating func writePostgresString(_ string: String) {
        self.writeString(string)
        self.writeInteger(UInt8(0))
    }
}
