import NIOCore

/// A client command in the command phase.
public enum MySQLCommand: Sendable, Equatable {
    case quit
    case initDB(String)
    case query(QueryText)
    case fieldList(String)
    case ping
    case changeUser(ChangeUser)
    case resetConnection
    case statementPrepare(String)
    case statementExecute(StatementExecute)
    case statementClose(UInt32)
    case statementReset(UInt32)
    case setOption(UInt16)

    public struct ChangeUser: Sendable, Equatable {
        public var username: String
        public var authResponse: [UInt8]
        public var database: String?
        public var characterSet: UInt16
        public var authPluginName: String?
    }

    public struct StatementExecute: Sendable, Equatable {
        public var statementID: UInt32
        public var flags: UInt8
        public var parameters: [MySQLValue]
        /// Parameter types as sent ("new params bound"); `nil` when the client reused the previous ones.
        public var parameterTypes: [UInt16]?

        public init(statementID: UInt32, flags: UInt8 = 0, parameters: [MySQLValue], parameterTypes: [UInt16]? = nil) {
            self.statementID = statementID
            self.flags = flags
            self.parameters = parameters
            self.parameterTypes = parameterTypes
        }
    }

    public enum Code: UInt8 {
        case quit = 0x01
        case initDB = 0x02
        case query = 0x03
        case fieldList = 0x04
        case ping = 0x0E
        case changeUser = 0x11
        case statementPrepare = 0x16
        case statementExecute = 0x17
        case statementClose = 0x19
        case statementReset = 0x1A
        case setOption = 0x1B
        case resetConnection = 0x1F
    }

    /// The statement id of a COM_STMT_EXECUTE, read before the rest so its parameter count can be looked up.
    public static func peekExecuteStatementID(_ payload: ByteBuffer) -> UInt32? {
        guard payload.getInteger(at: payload.readerIndex, as: UInt8.self) == Code.statementExecute.rawValue else {
            return nil
        }
        return payload.getInteger(at: payload.readerIndex + 1, endianness: .little, as: UInt32.self)
    }
}
