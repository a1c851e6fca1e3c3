import NIOCore

extension MySQLCommand {
    /// What the decoder needs to know about a prepared statement to read a COM_STMT_EXECUTE.
    public struct PreparedShape: Sendable, Equatable {
        public var parameterCount: Int
        public var boundTypes: [UInt16]?
        public init(parameterCount: Int, boundTypes: [UInt16]? = nil) {
            self.parameterCount = parameterCount
            self.boundTypes = boundTypes
        }
    }

    /// Decodes a command packet; failures are the ERR packet a server answers with.
    public static func decode(
        from buffer: inout ByteBuffer,
        statement: (UInt32) -> PreparedShape?
    ) throws(ErrorPacket) -> MySQLCommand {
        guard let byte = buffer.readInteger(as: UInt8.self) else { throw .malformedPacket("empty command") }
        guard let code = Code(rawValue: byte) else { throw .unknownCommand(byte) }
        switch code {
        case .quit: return .quit
        case .ping: return .ping
        case .resetConnection: return .resetConnection
        case .initDB: return .initDB(buffer.readRemainingString())
        case .query: return .query(QueryText(bytes: buffer.readBytes(length: buffer.readableBytes) ?? []))
        case .fieldList: return .fieldList(buffer.readNullTerminatedString() ?? buffer.readRemainingString())
        case .statementPrepare: return .statementPrepare(buffer.readRemainingString())
        case .statementClose, .statementReset:
            guard let id = buffer.readMySQLInteger(as: UInt32.self) else {
                throw .malformedPacket("missing statement id")
            }
            return code == .statementClose ? .statementClose(id) : .statementReset(id)
        case .setOption:
            guard let option = buffer.readMySQLInteger(as: UInt16.self) else {
                throw .malformedPacket("missing option")
            }
            return .setOption(option)
        case .changeUser:
            return .changeUser(try Self.decodeChangeUser(from: &buffer))
        case .statementExecute:
            return .statementExecute(try Self.decodeExecute(from: &buffer, statement: statement))
        }
    }

    private static func decodeChangeUser(from buffer: inout ByteBuffer) throws(ErrorPacket) -> ChangeUser {
        guard let user = buffer.readNullTerminatedString(), let length = buffer.readInteger(as: UInt8.self),
            let auth = buffer.readBytes(length: Int(length))
        else { throw .malformedPacket("COM_CHANGE_USER is truncated") }
        let database = buffer.readNullTerminatedString()
        let charset = buffer.readMySQLInteger(as: UInt16.self) ?? 45
        let plugin =
            buffer.readableBytes > 0 ? (buffer.readNullTerminatedString() ?? buffer.readRemainingString()) : nil
        return ChangeUser(
            username: user,
            authResponse: auth,
            database: database?.isEmpty == true ? nil : database,
            characterSet: charset,
            authPluginName: plugin
        )
    }

    private static func decodeExecute(
        from buffer: inout ByteBuffer,
        statement: (UInt32) -> PreparedShape?
    ) throws(ErrorPacket) -> StatementExecute {
        guard let id = buffer.readMySQLInteger(as: UInt32.self), let flags = buffer.readInteger(as: UInt8.self),
            buffer.readMySQLInteger(as: UInt32.self) != nil
        else { throw .malformedPacket("COM_STMT_EXECUTE is truncated") }
        guard let shape = statement(id) else { throw .unknownStatement(id, in: "mysqld_stmt_execute") }
        guard shape.parameterCount > 0 else { return StatementExecute(statementID: id, flags: flags, parameters: []) }
        guard let bitmap = buffer.readBytes(length: (shape.parameterCount + 7) / 8),
            let newBound = buffer.readInteger(as: UInt8.self)
        else { throw .malformedPacket("COM_STMT_EXECUTE parameters are truncated") }
        var sentTypes: [UInt16]?
        if newBound == 1 {
            var types: [UInt16] = []
            for _ in 0..<shape.parameterCount {
                guard let type = buffer.readMySQLInteger(as: UInt16.self) else {
                    throw .malformedPacket("parameter types are truncated")
                }
                types.append(type)
            }
            sentTypes = types
        }
        guard let types = sentTypes ?? shape.boundTypes else {
            throw .malformedPacket("COM_STMT_EXECUTE without parameter types on first execution")
        }
        var values: [MySQLValue] = []
        for index in 0..<shape.parameterCount {
            if bitmap[index / 8] & (1 << (index % 8)) != 0 {
                values.append(.null)
                continue
            }
            let type = MySQLColumnType(rawValue: UInt8(truncatingIfNeeded: types[index])) ?? .varString
            do {
                values.append(
                    try BinaryRow.decodeValue(from: &buffer, type: type, unsigned: types[index] & 0x8000 != 0)
                )
            } catch {
                throw .malformedPacket("parameter \(index + 1): \(error)")
            }
        }
        return StatementExecute(statementID: id, flags: flags, parameters: values, parameterTypes: sentTypes)
    }

    /// Writes the command as a client sends it.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .quit: buffer.writeInteger(Code.quit.rawValue)
        case .ping: buffer.writeInteger(Code.ping.rawValue)
        case .resetConnection: buffer.writeInteger(Code.resetConnection.rawValue)
        case let .initDB(name):
            buffer.writeInteger(Code.initDB.rawValue)
            buffer.writeString(name)
        case let .query(sql):
            buffer.writeInteger(Code.query.rawValue)
            buffer.writeBytes(sql.bytes)
        case let .fieldList(table):
            buffer.writeInteger(Code.fieldList.rawValue)
            buffer.writeNullTerminatedString(table)
        case let .statementPrepare(sql):
            buffer.writeInteger(Code.statementPrepare.rawValue)
            buffer.writeString(sql)
        case let .statementClose(id):
            buffer.writeInteger(Code.statementClose.rawValue)
            buffer.writeMySQLInteger(id)
        case let .statementReset(id):
            buffer.writeInteger(Code.statementReset.rawValue)
            buffer.writeMySQLInteger(id)
        case let .setOption(option):
            buffer.writeInteger(Code.setOption.rawValue)
            buffer.writeMySQLInteger(option)
        case let .changeUser(change):
            buffer.writeInteger(Code.changeUser.rawValue)
            buffer.writeNullTerminatedString(change.username)
            buffer.writeInteger(UInt8(change.authResponse.count))
            buffer.writeBytes(change.authResponse)
            buffer.writeNullTerminatedString(change.database ?? "")
            buffer.writeMySQLInteger(change.characterSet)
            buffer.writeNullTerminatedString(change.authPluginName ?? "")
        case let .statementExecute(execute):
            buffer.writeInteger(Code.statementExecute.rawValue)
            buffer.writeMySQLInteger(execute.statementID)
            buffer.writeInteger(execute.flags)
            buffer.writeMySQLInteger(UInt32(1))
            guard !execute.parameters.isEmpty else { return }
            var bitmap = [UInt8](repeating: 0, count: (execute.parameters.count + 7) / 8)
            for (index, value) in execute.parameters.enumerated() where value == .null {
                bitmap[index / 8] |= 1 << (index % 8)
            }
            buffer.writeBytes(bitmap)
            buffer.writeInteger(UInt8(1))
            let types = execute.parameters.map(BinaryRow.parameterType(of:))
            for (type, unsigned) in types { buffer.writeMySQLInteger(UInt16(type.rawValue) | (unsigned ? 0x8000 : 0)) }
            for (value, (type, _)) in zip(execute.parameters, types) where value != .null {
                BinaryRow.encodeValue(value, as: type, into: &buffer)
            }
        }
    }
}
