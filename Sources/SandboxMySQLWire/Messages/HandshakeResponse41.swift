import NIOCore

/// The client's reply to the greeting (Protocol::HandshakeResponse41), or its 32-byte SSLRequest prefix.
public struct HandshakeResponse41: Sendable, Equatable {
    public var capabilities: CapabilityFlags
    public var maxPacketSize: UInt32
    public var characterSet: UInt8
    public var username: String
    public var authResponse: [UInt8]
    public var database: String?
    public var authPluginName: String?
    public var connectAttributes: [String: String]

    public init(
        capabilities: CapabilityFlags,
        maxPacketSize: UInt32 = 16_777_216,
        characterSet: UInt8 = 45,
        username: String,
        authResponse: [UInt8],
        database: String? = nil,
        authPluginName: String? = nil,
        connectAttributes: [String: String] = [:]
    ) {
        self.capabilities = capabilities
        self.maxPacketSize = maxPacketSize
        self.characterSet = characterSet
        self.username = username
        self.authResponse = authResponse
        self.database = database
        self.authPluginName = authPluginName
        self.connectAttributes = connectAttributes
    }

    /// The length of an SSLRequest: the fixed 32-byte header of a HandshakeResponse41.
    public static let sslRequestLength = 32

    /// Writes only the 32-byte fixed part, which is the SSLRequest when `.ssl` is set.
    public static func encodeSSLRequest(
        capabilities: CapabilityFlags,
        characterSet: UInt8 = 45,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeMySQLInteger(capabilities.union(.ssl).rawValue)
        buffer.writeMySQLInteger(UInt32(16_777_216))
        buffer.writeInteger(characterSet)
        buffer.writeRepeatingByte(0, count: 23)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMySQLInteger(self.capabilities.rawValue)
        buffer.writeMySQLInteger(self.maxPacketSize)
        buffer.writeInteger(self.characterSet)
        buffer.writeRepeatingByte(0, count: 23)
        buffer.writeNullTerminatedString(self.username)
        if self.capabilities.contains(.pluginAuthLenencClientData) {
            buffer.writeLengthEncodedBytes(self.authResponse)
        } else {
            buffer.writeInteger(UInt8(self.authResponse.count))
            buffer.writeBytes(self.authResponse)
        }
        if self.capabilities.contains(.connectWithDB) { buffer.writeNullTerminatedString(self.database ?? "") }
        if self.capabilities.contains(.pluginAuth) { buffer.writeNullTerminatedString(self.authPluginName ?? "") }
        if self.capabilities.contains(.connectAttrs) {
            var attributes = ByteBuffer()
            for (key, value) in self.connectAttributes.sorted(by: { $0.key < $1.key }) {
                attributes.writeLengthEncodedString(key)
                attributes.writeLengthEncodedString(value)
            }
            buffer.writeLengthEncodedInteger(UInt64(attributes.readableBytes))
            buffer.writeBuffer(&attributes)
        }
    }

    /// Reads the capability flags at the front of a client's first packet (SSLRequest or full response).
    public static func peekCapabilities(_ buffer: ByteBuffer) -> CapabilityFlags? {
        buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self).map(CapabilityFlags.init)
    }

    /// Parses the response field by field as the client's own capability flags say.
    public static func decode(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> HandshakeResponse41 {
        guard let rawCaps = buffer.readMySQLInteger(as: UInt32.self),
            let maxPacket = buffer.readMySQLInteger(as: UInt32.self),
            let charset = buffer.readInteger(as: UInt8.self), buffer.readableBytes >= 23
        else { throw .truncated("handshake response") }
        let caps = CapabilityFlags(rawValue: rawCaps)
        guard caps.contains(.protocol41) else {
            throw .malformed("handshake response: client lacks CLIENT_PROTOCOL_41")
        }
        buffer.moveReaderIndex(forwardBy: 23)
        guard let username = buffer.readNullTerminatedString() else { throw .truncated("handshake response user name") }
        let auth: [UInt8]
        if caps.contains(.pluginAuthLenencClientData) {
            guard var data = buffer.readLengthEncodedBytes() else { throw .truncated("handshake response auth data") }
            auth = data.readBytes(length: data.readableBytes)!
        } else if caps.contains(.secureConnection) {
            guard let length = buffer.readInteger(as: UInt8.self), let data = buffer.readBytes(length: Int(length))
            else {
                throw .truncated("handshake response auth data")
            }
            auth = data
        } else {
            guard let string = buffer.readNullTerminatedString() else {
                throw .truncated("handshake response auth data")
            }
            auth = Array(string.utf8)
        }
        var database: String?
        if caps.contains(.connectWithDB), buffer.readableBytes > 0 {
            database = buffer.readNullTerminatedString() ?? buffer.readRemainingString()
            if database?.isEmpty == true { database = nil }
        }
        var plugin: String?
        if caps.contains(.pluginAuth), buffer.readableBytes > 0 {
            plugin = buffer.readNullTerminatedString() ?? buffer.readRemainingString()
        }
        var attributes: [String: String] = [:]
        if caps.contains(.connectAttrs), buffer.readableBytes > 0 {
            guard var block = buffer.readLengthEncodedBytes() else { throw .truncated("connection attributes") }
            while block.readableBytes > 0 {
                guard let key = block.readLengthEncodedString(), let value = block.readLengthEncodedString() else {
                    throw .malformed("connection attributes")
                }
                attributes[key] = value
            }
        }
        return HandshakeResponse41(
            capabilities: caps,
            maxPacketSize: maxPacket,
            characterSet: charset,
            username: username,
            authResponse: auth,
            database: database,
            authPluginName: plugin,
            connectAttributes: attributes
        )
    }
}
