import NIOCore

/// Rows of the text protocol: each value a length-encoded string, NULL as 0xFB. Bytes travel as they are.
public enum TextRow {
    public static func encode(_ values: [MySQLValue], into buffer: inout ByteBuffer) {
        for value in values {
            switch value {
            case .null: buffer.writeInteger(UInt8(0xFB))
            case let .bytes(bytes): buffer.writeLengthEncodedBytes(bytes)
            default: buffer.writeLengthEncodedString(value.textValue ?? "")
            }
        }
    }

    public static func decode(
        from buffer: inout ByteBuffer,
        columnCount: Int
    ) throws(MySQLProtocolError) -> [MySQLValue] {
        var values: [MySQLValue] = []
        values.reserveCapacity(columnCount)
        for _ in 0..<columnCount {
            if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == 0xFB {
                buffer.moveReaderIndex(forwardBy: 1)
                values.append(.null)
            } else {
                guard let value = buffer.readLengthEncodedValue() else { throw .truncated("text row") }
                values.append(value)
            }
        }
        return values
    }
}
