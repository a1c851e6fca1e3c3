import NIOCore

/// An ERR packet: error code, five-character SQLSTATE and message, exactly as a MySQL server sends it.
public struct ErrorPacket: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: UInt16
    public var sqlState: String
    public var message: String

    public init(code: UInt16, sqlState: String, message: String) {
        precondition(!(2000..<3000).contains(code), "2000-2999 are client-side error codes")
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// `ERROR 1045 (28000): Access denied for user 'u'@'h' (using password: YES)`
    public var description: String { "ERROR \(self.code) (\(self.sqlState)): \(self.message)" }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0xFF))
        buffer.writeMySQLInteger(self.code)
        buffer.writeString("#")
        buffer.writeString(String(self.sqlState.prefix(5)).padding(toLength: 5, withPad: "0", startingAt: 0))
        buffer.writeString(self.message)
    }

    public static func decode(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> ErrorPacket {
        guard buffer.readInteger(as: UInt8.self) == 0xFF, let code = buffer.readMySQLInteger(as: UInt16.self) else {
            throw .truncated("ERR packet")
        }
        var sqlState = "HY000"
        if buffer.getString(at: buffer.readerIndex, length: 1) == "#", buffer.readableBytes >= 6 {
            buffer.moveReaderIndex(forwardBy: 1)
            sqlState = buffer.readString(length: 5)!
        }
        return ErrorPacket(unchecked: code, sqlState: sqlState, message: buffer.readRemainingString())
    }

    /// A decoded ERR packet may carry any code, even one a server should not send.
    private init(unchecked code: UInt16, sqlState: String, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }
}

/// The server errors real clients know, worded as MySQL words them.
extension ErrorPacket {
    public static func accessDenied(user: String, host: String, usingPassword: Bool) -> Self {
        .init(
            code: 1045,
            sqlState: "28000",
            message: "Access denied for user '\(user)'@'\(host)' (using password: \(usingPassword ? "YES" : "NO"))"
        )
    }
    public static let tooManyConnections = Self(code: 1040, sqlState: "08004", message: "Too many connections")
    public static func unknownDatabase(_ name: String) -> Self {
        .init(code: 1049, sqlState: "42000", message: "Unknown database '\(name)'")
    }
    public static let noDatabaseSelected = Self(code: 1046, sqlState: "3D000", message: "No database selected")
    public static let insecureTransport = Self(
        code: 3159,
        sqlState: "HY000",
        message: "Connections using insecure transport are prohibited while --require_secure_transport=ON."
    )
    public static func unknownCommand(_ byte: UInt8) -> Self {
        .init(code: 1047, sqlState: "08S01", message: "Unknown command 0x\(String(byte, radix: 16))")
    }
    public static let badHandshake = Self(code: 1043, sqlState: "08S01", message: "Bad handshake")
    /// MySQL 8 to a client without CLIENT_PLUGIN_AUTH whose user needs another plugin than mysql_native_password.
    public static let authProtocolUnsupported = Self(
        code: 1251,
        sqlState: "08004",
        message: "Client does not support authentication protocol requested by server; consider upgrading MySQL client"
    )
    public static func malformedPacket(_ reason: String) -> Self {
        .init(code: 1835, sqlState: "HY000", message: "Malformed communication packet: \(reason)")
    }
    public static func unknownAuthPlugin(_ name: String) -> Self {
        .init(code: 1524, sqlState: "HY000", message: "Plugin '\(name)' is not loaded")
    }
    public static func unknownStatement(_ id: UInt32, in command: String) -> Self {
        .init(
            code: 1243,
            sqlState: "HY000",
            message: "Unknown prepared statement handler (\(id)) given to \(command)"
        )
    }
    public static func syntaxError(near: String) -> Self {
        .init(
            code: 1064,
            sqlState: "42000",
            message:
                "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server "
                + "version for the right syntax to use near '\(near.prefix(80))'"
        )
    }
    public static let queryInterrupted = Self(code: 1317, sqlState: "70100", message: "Query execution was interrupted")
    public static let emptyQuery = Self(code: 1065, sqlState: "42000", message: "Query was empty")
}
