import NIOCore

/// Protocol::ColumnDefinition41: describes one column of a result set or one statement parameter.
public struct ColumnDefinition41: Sendable, Equatable {
    public var schema: String
    public var table: String
    public var originalTable: String
    public var name: String
    public var originalName: String
    public var characterSet: UInt16
    public var columnLength: UInt32
    public var type: MySQLColumnType
    public var flags: ColumnFlags
    public var decimals: UInt8

    public init(
        name: String,
        type: MySQLColumnType,
        schema: String = "",
        table: String = "",
        flags: ColumnFlags = [],
        columnLength: UInt32? = nil,
        decimals: UInt8 = 0
    ) {
        self.schema = schema
        self.table = table
        self.originalTable = table
        self.name = name
        self.originalName = name
        let isBinary = [
            .tiny, .short, .long, .longlong, .int24, .float, .double, .newdecimal, .decimal,
            .date, .datetime, .timestamp, .time, .year, .blob, .null,
        ].contains(type)
        self.characterSet = isBinary ? 63 : 45
        self.columnLength = columnLength ?? (isBinary ? 20 : 1024)
        self.type = type
        self.flags = flags
        self.decimals = decimals
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeLengthEncodedString("def")
        buffer.writeLengthEncodedString(self.schema)
        buffer.writeLengthEncodedString(self.table)
        buffer.writeLengthEncodedString(self.originalTable)
        buffer.writeLengthEncodedString(self.name)
        buffer.writeLengthEncodedString(self.originalName)
        buffer.writeLengthEncodedInteger(0x0C)
        buffer.writeMySQLInteger(self.characterSet)
        buffer.writeMySQLInteger(self.columnLength)
        buffer.writeInteger(self.type.rawValue)
        buffer.writeMySQLInteger(self.flags.rawValue)
        buffer.writeInteger(self.decimals)
        buffer.writeRepeatingByte(0, count: 2)
    }

    public static func decode(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> ColumnDefinition41 {
        guard buffer.readLengthEncodedString() != nil,
            let schema = buffer.readLengthEncodedString(), let table = buffer.readLengthEncodedString(),
            let originalTable = buffer.readLengthEncodedString(), let name = buffer.readLengthEncodedString(),
            let originalName = buffer.readLengthEncodedString(), buffer.readLengthEncodedInteger() != nil,
            let charset = buffer.readMySQLInteger(as: UInt16.self),
            let length = buffer.readMySQLInteger(as: UInt32.self), let rawType = buffer.readInteger(as: UInt8.self),
            let flags = buffer.readMySQLInteger(as: UInt16.self), let decimals = buffer.readInteger(as: UInt8.self)
        else { throw .truncated("column definition") }
        var column = ColumnDefinition41(
            name: name,
            type: MySQLColumnType(rawValue: rawType) ?? .varString,
            schema: schema,
            table: table,
            flags: ColumnFlags(rawValue: flags),
            columnLength: length,
            decimals: decimals
        )
        column.originalTable = originalTable
        column.originalName = originalName
        column.characterSet = charset
        return column
    }
}
