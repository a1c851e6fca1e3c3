import NIOCore

/// An OK packet (0x00), or with `asEOF` the 0xFE-headed OK that ends a result set under CLIENT_DEPRECATE_EOF.
public struct OKPacket: Sendable, Equatable {
    public var affectedRows: UInt64
    public var lastInsertID: UInt64
    public var status: ServerStatus
    public var warnings: UInt16
    public var info: String

    public init(
        affectedRows: UInt64 = 0,
        lastInsertID: UInt64 = 0,
        status: ServerStatus = .autocommit,
        warnings: UInt16 = 0,
        info: String = ""
    ) {
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
        self.status = status
        self.warnings = warnings
        self.info = info
    }

    public func encode(into buffer: inout ByteBuffer, asEOF: Bool = false) {
        buffer.writeInteger(UInt8(asEOF ? 0xFE : 0x00))
        buffer.writeLengthEncodedInteger(self.affectedRows)
        buffer.writeLengthEncodedInteger(self.lastInsertID)
        buffer.writeMySQLInteger(self.status.rawValue)
        buffer.writeMySQLInteger(self.warnings)
        if !self.info.isEmpty { buffer.writeString(self.info) }
    }

    public static func decode(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> OKPacket {
        guard let header = buffer.readInteger(as: UInt8.self), header == 0x00 || header == 0xFE,
            let affected = buffer.readLengthEncodedInteger(), let lastID = buffer.readLengthEncodedInteger()
        else { throw .truncated("OK packet") }
        let status = buffer.readMySQLInteger(as: UInt16.self) ?? 0
        let warnings = buffer.readMySQLInteger(as: UInt16.self) ?? 0
        return OKPacket(
            affectedRows: affected,
            lastInsertID: lastID,
            status: ServerStatus(rawValue: status),
            warnings: warnings,
            info: buffer.readRemainingString()
        )
    }
}

/// The classic EOF packet (0xFE, warnings, status), used when CLIENT_DEPRECATE_EOF is not negotiated.
public struct EOFPacket: Sendable, Equatable {
    public var warnings: UInt16
    public var status: ServerStatus

    public init(warnings: UInt16 = 0, status: ServerStatus = .autocommit) {
        self.warnings = warnings
        self.status = status
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0xFE))
        buffer.writeMySQLInteger(self.warnings)
        buffer.writeMySQLInteger(self.status.rawValue)
    }

    /// The status and warnings a result set ends with: a classic EOF, or with CLIENT_DEPRECATE_EOF an OK packet
    /// headed 0xFE.
    /// A malformed end reads as far as it goes (missing fields are 0).
    public static func endStatus(of payload: ByteBuffer, deprecateEOF: Bool) -> (status: ServerStatus, warnings: UInt16)
    {
        var ok = payload
        if deprecateEOF, let decoded = try? OKPacket.decode(from: &ok) { return (decoded.status, decoded.warnings) }
        var payload = payload  // decoding the OK above may have read part of it: start again
        _ = payload.readInteger(as: UInt8.self)
        let warnings = payload.readMySQLInteger(as: UInt16.self) ?? 0
        return (ServerStatus(rawValue: payload.readMySQLInteger(as: UInt16.self) ?? 0), warnings)
    }

    /// A packet is an EOF (or a DEPRECATE_EOF OK) marker when it starts with 0xFE and is shorter than 16 MiB;
    /// a longer 0xFE-headed packet is a row whose first value has an 8-byte length.
    public static func isEOF(_ packet: MySQLPacket) -> Bool { Self.isEOF(packet.payload) }

    public static func isEOF(_ payload: ByteBuffer) -> Bool {
        payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xFE && payload.readableBytes < 0xFF_FFFF
    }
}
