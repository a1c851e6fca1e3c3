import NIOCore

/// What a server answers to one command; encoded to packets by `ServerConnectionStateMachine`.
public enum CommandResponse: Sendable, Equatable {
    case ok(OKPacket)
    case error(ErrorPacket)
    /// Rows of the text protocol (COM_QUERY).
    case resultSet(ResultSet)
    /// Rows of the binary protocol (COM_STMT_EXECUTE).
    case binaryResultSet(ResultSet)
    case prepared(PreparedStatement)
    /// COM_FIELD_LIST: column definitions, then EOF.
    case fieldList([ColumnDefinition41])
    /// COM_STMT_CLOSE and friends are not answered.
    case noResponse
    /// The session already wrote the response, packet by packet, as it relayed it from elsewhere.
    case relayed
    /// Drop the connection, after sending the error if one is given.
    case closeConnection(ErrorPacket?)
}

/// A result set: columns, rows and the status that ends it.
public struct ResultSet: Sendable, Equatable {
    public var columns: [ColumnDefinition41]
    public var rows: [[MySQLValue]]
    public var status: ServerStatus
    public var warnings: UInt16

    public init(
        columns: [ColumnDefinition41],
        rows: [[MySQLValue]],
        status: ServerStatus = .autocommit,
        warnings: UInt16 = 0
    ) {
        self.columns = columns
        self.rows = rows
        self.status = status
        self.warnings = warnings
    }
}

/// A prepared statement as COM_STMT_PREPARE_OK describes it.
public struct PreparedStatement: Sendable, Equatable {
    public var id: UInt32
    public var parameters: [ColumnDefinition41]
    public var columns: [ColumnDefinition41]

    public init(id: UInt32, parameters: [ColumnDefinition41], columns: [ColumnDefinition41]) {
        self.id = id
        self.parameters = parameters
        self.columns = columns
    }
}

extension CommandResponse {
    /// The payloads of this response, in order; `deprecateEOF` decides how column and row blocks end.
    public func payloads(deprecateEOF: Bool) -> [ByteBuffer] {
        func eof(status: ServerStatus, warnings: UInt16 = 0) -> ByteBuffer {
            ByteBuffer.build { EOFPacket(warnings: warnings, status: status).encode(into: &$0) }
        }
        switch self {
        case let .ok(ok): return [ByteBuffer.build { ok.encode(into: &$0) }]
        case let .error(error): return [ByteBuffer.build { error.encode(into: &$0) }]
        case .noResponse, .relayed: return []
        case let .closeConnection(error):
            return error.map { error in [ByteBuffer.build { error.encode(into: &$0) }] } ?? []
        case let .resultSet(set), let .binaryResultSet(set):
            let binary = if case .binaryResultSet = self { true } else { false }
            var out = [ByteBuffer.build { $0.writeLengthEncodedInteger(UInt64(set.columns.count)) }]
            out += set.columns.map { column in ByteBuffer.build { column.encode(into: &$0) } }
            if !deprecateEOF { out.append(eof(status: set.status)) }
            for row in set.rows {
                out.append(
                    ByteBuffer.build {
                        binary ? BinaryRow.encode(row, columns: set.columns, into: &$0) : TextRow.encode(row, into: &$0)
                    }
                )
            }
            out.append(
                deprecateEOF
                    ? ByteBuffer.build {
                        OKPacket(status: set.status, warnings: set.warnings).encode(into: &$0, asEOF: true)
                    }
                    : eof(status: set.status, warnings: set.warnings)
            )
            return out
        case let .fieldList(columns):
            return columns.map { column in ByteBuffer.build { column.encode(into: &$0) } } + [
                deprecateEOF
                    ? ByteBuffer.build { OKPacket().encode(into: &$0, asEOF: true) } : eof(status: .autocommit)
            ]
        case let .prepared(statement):
            var out = [
                ByteBuffer.build {
                    $0.writeInteger(UInt8(0))
                    $0.writeMySQLInteger(statement.id)
                    $0.writeMySQLInteger(UInt16(statement.columns.count))
                    $0.writeMySQLInteger(UInt16(statement.parameters.count))
                    $0.writeInteger(UInt8(0))
                    $0.writeMySQLInteger(UInt16(0))
                }
            ]
            for block in [statement.parameters, statement.columns] where !block.isEmpty {
                out += block.map { column in ByteBuffer.build { column.encode(into: &$0) } }
                if !deprecateEOF { out.append(eof(status: .autocommit)) }
            }
            return out
        }
    }
}
