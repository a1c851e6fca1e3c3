import NIOCore

/// Rows and parameters of the binary protocol (prepared statements).
public enum BinaryRow {
    public static func encode(_ values: [MySQLValue], columns: [ColumnDefinition41], into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x00))
        var bitmap = [UInt8](repeating: 0, count: (values.count + 7 + 2) / 8)
        for (index, value) in values.enumerated() where value == .null {
            bitmap[(index + 2) / 8] |= 1 << ((index + 2) % 8)
        }
        buffer.writeBytes(bitmap)
        for (value, column) in zip(values, columns) where value != .null {
            Self.encodeValue(value, as: column.type, into: &buffer)
        }
    }

    public static func decode(
        from buffer: inout ByteBuffer,
        columns: [ColumnDefinition41]
    ) throws(MySQLProtocolError) -> [MySQLValue] {
        guard buffer.readInteger(as: UInt8.self) == 0x00,
            let bitmap = buffer.readBytes(length: (columns.count + 7 + 2) / 8)
        else { throw .truncated("binary row") }
        var values: [MySQLValue] = []
        for (index, column) in columns.enumerated() {
            if bitmap[(index + 2) / 8] & (1 << ((index + 2) % 8)) != 0 {
                values.append(.null)
            } else {
                let unsigned = column.flags.contains(.unsigned)
                values.append(try Self.decodeValue(from: &buffer, type: column.type, unsigned: unsigned))
            }
        }
        return values
    }

    /// The type a parameter of this value is sent as.
    public static func parameterType(of value: MySQLValue) -> (MySQLColumnType, unsigned: Bool) {
        switch value {
        case .null: (.null, false)
        case .integer: (.longlong, false)
        case .unsignedInteger: (.longlong, true)
        case .double: (.double, false)
        case .text: (.varString, false)
        case .bytes: (.blob, false)
        }
    }

    public static func encodeValue(_ value: MySQLValue, as type: MySQLColumnType, into buffer: inout ByteBuffer) {
        switch (type, value) {
        case (.longlong, .integer(let v)): buffer.writeMySQLInteger(v)
        case (.longlong, .unsignedInteger(let v)): buffer.writeMySQLInteger(v)
        case (.long, .integer(let v)), (.int24, .integer(let v)): buffer.writeMySQLInteger(Int32(truncatingIfNeeded: v))
        case (.short, .integer(let v)), (.year, .integer(let v)): buffer.writeMySQLInteger(Int16(truncatingIfNeeded: v))
        case (.tiny, .integer(let v)): buffer.writeInteger(Int8(truncatingIfNeeded: v))
        case (.double, .double(let v)): buffer.writeMySQLInteger(v.bitPattern)
        case (.double, .integer(let v)): buffer.writeMySQLInteger(Double(v).bitPattern)
        case (.float, .double(let v)): buffer.writeMySQLInteger(Float(v).bitPattern)
        case (.date, _), (.datetime, _), (.timestamp, _):
            Self.encodeDateTime(value.textValue ?? "", into: &buffer)
        case (_, .bytes(let bytes)): buffer.writeLengthEncodedBytes(bytes)
        default: buffer.writeLengthEncodedString(value.textValue ?? "")
        }
    }

    public static func decodeValue(
        from buffer: inout ByteBuffer,
        type: MySQLColumnType,
        unsigned: Bool
    ) throws(MySQLProtocolError) -> MySQLValue {
        func need<T>(_ value: T?) throws(MySQLProtocolError) -> T {
            guard let value else { throw .truncated("binary value of type \(type)") }
            return value
        }
        switch type {
        case .null: return .null
        case .tiny:
            let v = try need(buffer.readInteger(as: UInt8.self))
            return unsigned ? .unsignedInteger(UInt64(v)) : .integer(Int64(Int8(bitPattern: v)))
        case .short, .year:
            let v = try need(buffer.readMySQLInteger(as: UInt16.self))
            return unsigned ? .unsignedInteger(UInt64(v)) : .integer(Int64(Int16(bitPattern: v)))
        case .long, .int24:
            let v = try need(buffer.readMySQLInteger(as: UInt32.self))
            return unsigned ? .unsignedInteger(UInt64(v)) : .integer(Int64(Int32(bitPattern: v)))
        case .longlong:
            let v = try need(buffer.readMySQLInteger(as: UInt64.self))
            return unsigned ? .unsignedInteger(v) : .integer(Int64(bitPattern: v))
        case .float: return .double(Double(Float(bitPattern: try need(buffer.readMySQLInteger(as: UInt32.self)))))
        case .double: return .double(Double(bitPattern: try need(buffer.readMySQLInteger(as: UInt64.self))))
        case .date, .datetime, .timestamp: return .text(try Self.decodeDateTime(from: &buffer, dateOnly: type == .date))
        case .time: return .text(try Self.decodeTime(from: &buffer))
        case .blob, .tinyBlob, .mediumBlob, .longBlob, .geometry:
            var bytes = try need(buffer.readLengthEncodedBytes())
            return .bytes(bytes.readBytes(length: bytes.readableBytes)!)
        default:
            return try need(buffer.readLengthEncodedValue())
        }
    }

    /// "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" as the binary protocol's length-prefixed date/time.
    static func encodeDateTime(_ text: String, into buffer: inout ByteBuffer) {
        let parts = text.split(whereSeparator: { "- :.T".contains($0) }).map { Int($0) ?? 0 }
        guard parts.count >= 3 else {
            buffer.writeInteger(UInt8(0))
            return
        }
        let micro = parts.count > 6 ? parts[6] : 0
        let length: UInt8 = micro != 0 ? 11 : parts.count > 3 ? 7 : 4
        buffer.writeInteger(length)
        buffer.writeMySQLInteger(UInt16(parts[0]))
        buffer.writeInteger(UInt8(parts[1]))
        buffer.writeInteger(UInt8(parts[2]))
        if length >= 7 {
            for index in 3...5 { buffer.writeInteger(UInt8(index < parts.count ? parts[index] : 0)) }
        }
        if length == 11 { buffer.writeMySQLInteger(UInt32(micro)) }
    }

    static func decodeDateTime(from buffer: inout ByteBuffer, dateOnly: Bool) throws(MySQLProtocolError) -> String {
        guard let length = buffer.readInteger(as: UInt8.self), var body = buffer.readSlice(length: Int(length)) else {
            throw .truncated("binary date")
        }
        let year = body.readMySQLInteger(as: UInt16.self) ?? 0
        let month = body.readInteger(as: UInt8.self) ?? 0
        let day = body.readInteger(as: UInt8.self) ?? 0
        let hour = body.readInteger(as: UInt8.self) ?? 0
        let minute = body.readInteger(as: UInt8.self) ?? 0
        let second = body.readInteger(as: UInt8.self) ?? 0
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        return dateOnly ? date : "\(date) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }

    static func decodeTime(from buffer: inout ByteBuffer) throws(MySQLProtocolError) -> String {
        guard let length = buffer.readInteger(as: UInt8.self), var body = buffer.readSlice(length: Int(length)) else {
            throw .truncated("binary time")
        }
        let negative = (body.readInteger(as: UInt8.self) ?? 0) == 1
        let days = body.readMySQLInteger(as: UInt32.self) ?? 0
        let hour = UInt32(body.readInteger(as: UInt8.self) ?? 0) + days * 24
        let minute = body.readInteger(as: UInt8.self) ?? 0
        let second = body.readInteger(as: UInt8.self) ?? 0
        return "\(negative ? "-" : "")\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
