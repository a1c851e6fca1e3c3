import NIOCore

/// The server's greeting (Protocol::HandshakeV10).
public struct HandshakeV10: Sendable, Equatable {
    public var serverVersion: String
    public var connectionID: UInt32
    /// The 20-byte nonce (auth-plugin-data parts 1 and 2).
    public var nonce: [UInt8]
    public var capabilities: CapabilityFlags
    public var characterSet: UInt8
    public var status: ServerStatus
    public var authPluginName: String

    public init(
        serverVersion: String,
        connectionID: UInt32,
        nonce: [UInt8],
        capabilities: CapabilityFlags,
        characterSet: UInt8 = 45,
        status: ServerStatus = .autocommit,
        authPluginName: String
    ) {
        self.serverVersion = serverVersion
        self.connectionID = connectionID
        self.nonce = nonce
        self.capabilities = capabilities
        self.characterSet = characterSet
        self.status = status
        self.authPluginName = authPluginName
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(10))
        buffer.writeNullTerminatedString(self.serverVersion)
        buffer.writeMySQLInteger(self.connectionID)
        buffer.writeBytes(self.nonce.prefix(8))
        buffer.writeInteger(UInt8(0))
        buffer.writeMySQLInteger(UInt16(truncatingIfNeeded: self.capabilities.rawValue))
        buffer.writeInteger(self.characterSet)
        buffer.writeMySQLInteger(self.status.rawValue)
        buffer.writeMySQLInteger(UInt16(truncatingIfNeeded: self.capabilities.rawValue >> 16))
        // auth-plugin-data-len is 21: 20 bytes of nonce plus the NUL that ends part 2.
        buffer.writeInteger(UInt8(self.nonce.count + 1))
        buffer.writeRepeatingByte(0, count: 10)
        buffer.writeBytes(self.nonce.dropFirst(8))
        buffer.writeInteger(UInt8(0))
        buffer.writeNullTerminatedString(self.authPluginName)
    }

    public static func decode(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> HandshakeV10 {
        guard let version = buffer.readInteger(as: UInt8.self) else { throw .truncated("handshake") }
        guard version == 10 else { throw .malformed("handshake: protocol version \(version), expected 10") }
        guard let serverVersion = buffer.readNullTerminatedString(),
            let connectionID = buffer.readMySQLInteger(as: UInt32.self),
            let part1 = buffer.readBytes(length: 8), buffer.readInteger(as: UInt8.self) != nil,
            let capsLow = buffer.readMySQLInteger(as: UInt16.self)
        else { throw .truncated("handshake") }
        let charset = buffer.readInteger(as: UInt8.self) ?? 0
        let status = buffer.readMySQLInteger(as: UInt16.self) ?? 0
        let capsHigh = buffer.readMySQLInteger(as: UInt16.self) ?? 0
        let capabilities = CapabilityFlags(rawValue: UInt32(capsLow) | UInt32(capsHigh) << 16)
        let dataLength = Int(buffer.readInteger(as: UInt8.self) ?? 0)
        buffer.moveReaderIndex(forwardBy: min(10, buffer.readableBytes))
        var nonce = part1
        if capabilities.contains(.secureConnection) {
            let part2Length = max(13, dataLength - 8)
            guard let part2 = buffer.readBytes(length: min(part2Length, buffer.readableBytes)) else {
                throw .truncated("handshake nonce")
            }
            nonce += part2
            if nonce.last == 0 { nonce.removeLast() }
        }
        let plugin =
            capabilities.contains(.pluginAuth)
            ? (buffer.readNullTerminatedString() ?? buffer.readRemainingString()) : ""
        return HandshakeV10(
            serverVersion: serverVersion,
            connectionID: connectionID,
            nonce: nonce,
            capabilities: capabilities,
            characterSet: charset,
            status: ServerStatus(rawValue: status),
            authPluginName: plugin
        )
    }
}
