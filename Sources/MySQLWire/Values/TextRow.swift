import NIOCore

/// Rows of the text protocol: each value a length-encoded string, NULL as 0xFB.
public enum TextRow {
    public static func encode(_ values: [MySQLValue], into buffer: inout ByteBuffer) {
        for value in values {
            if let text = value.textValue { buffer.writeLengthEncodedString(text) } else { buffer.writeInteger(UInt8(0xFB)) }
        }
    }

    public static func decode(from buffer: inout ByteBuffer, columnCount: Int) throws(MySQLProtocolError) -> [MySQLValue] {
        var values: [MySQLValue] = []
        values.reserveCapacity(columnCount)
        for _ in 0..<columnCount {
            if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == 0xFB {
                buffer.moveReaderIndex(forwardBy: 1)
                values.append(.null)
            } else {
                guard let text = buffer.readLengthEncodedString() else { throw .truncated("text row") }
                values.append(.text(text))
            }
        }
        return values
    }
}
