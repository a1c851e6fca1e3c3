import NIOCore

/// Reading and writing the MySQL protocol's basic data types (little-endian integers, length-encoded
/// integers and strings, NUL-terminated strings).
extension ByteBuffer {
    @inlinable
    package mutating func readMySQLInteger<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        self.readInteger(endianness: .little, as: T.self)
    }

    package mutating func writeMySQLInteger<T: FixedWidthInteger>(_ value: T) {
        self.writeInteger(value, endianness: .little)
    }

    /// A length-encoded integer; `nil` when truncated or when the first byte is 0xFB (NULL) or 0xFF.
    package mutating func readLengthEncodedInteger() -> UInt64? {
        guard let first = self.getInteger(at: self.readerIndex, as: UInt8.self) else { return nil }
        switch first {
        case 0..<0xFB:
            self.moveReaderIndex(forwardBy: 1)
            return UInt64(first)
        case 0xFC:
            guard self.readableBytes >= 3 else { return nil }
            self.moveReaderIndex(forwardBy: 1)
            return UInt64(self.readMySQLInteger(as: UInt16.self)!)
        case 0xFD:
            guard self.readableBytes >= 4 else { return nil }
            self.moveReaderIndex(forwardBy: 1)
            let low = UInt64(self.readMySQLInteger(as: UInt16.self)!)
            let high = UInt64(self.readInteger(as: UInt8.self)!)
            return low | high << 16
        case 0xFE:
            guard self.readableBytes >= 9 else { return nil }
            self.moveReaderIndex(forwardBy: 1)
            return self.readMySQLInteger(as: UInt64.self)
        default:
            return nil
        }
    }

    package mutating func writeLengthEncodedInteger(_ value: UInt64) {
        switch value {
        case 0..<0xFB:
            self.writeInteger(UInt8(value))
        case 0xFB..<0x1_0000:
            self.writeInteger(UInt8(0xFC))
            self.writeMySQLInteger(UInt16(value))
        case 0x1_0000..<0x100_0000:
            self.writeInteger(UInt8(0xFD))
            self.writeMySQLInteger(UInt16(truncatingIfNeeded: value))
            self.writeInteger(UInt8(truncatingIfNeeded: value >> 16))
        default:
            self.writeInteger(UInt8(0xFE))
            self.writeMySQLInteger(value)
        }
    }

    /// Bytes prefixed by a length-encoded integer; `nil` if truncated.
    package mutating func readLengthEncodedBytes() -> ByteBuffer? {
        let save = self.readerIndex
        guard let length = self.readLengthEncodedInteger(), length <= UInt64(self.readableBytes),
            let slice = self.readSlice(length: Int(length))
        else {
            self.moveReaderIndex(to: save)
            return nil
        }
        return slice
    }

    package mutating func readLengthEncodedString() -> String? {
        guard var bytes = self.readLengthEncodedBytes() else { return nil }
        return bytes.readString(length: bytes.readableBytes)
    }

    /// A length-encoded value, byte for byte: text when it is valid UTF-8, bytes otherwise (a BLOB, `x'FF00'`).
    package mutating func readLengthEncodedValue() -> MySQLValue? {
        guard var slice = self.readLengthEncodedBytes() else { return nil }
        let bytes = slice.readBytes(length: slice.readableBytes) ?? []
        return String(validating: bytes, as: UTF8.self).map(MySQLValue.text) ?? .bytes(bytes)
    }

    package mutating func writeLengthEncodedString(_ string: String) {
        self.writeLengthEncodedInteger(UInt64(string.utf8.count))
        self.writeString(string)
    }

    package mutating func writeLengthEncodedBytes(_ bytes: some Collection<UInt8>) {
        self.writeLengthEncodedInteger(UInt64(bytes.count))
        self.writeBytes(bytes)
    }

    /// Everything left, as a string ("string<EOF>").
    package mutating func readRemainingString() -> String {
        self.readString(length: self.readableBytes) ?? ""
    }

    /// Everything left as bytes, dropping one trailing NUL if present.
    package mutating func readRemainingBytesDroppingNUL() -> [UInt8] {
        var bytes = self.readBytes(length: self.readableBytes) ?? []
        if bytes.last == 0 { bytes.removeLast() }
        return bytes
    }
}

extension ByteBuffer {
    /// A new buffer filled by `write`.
    package static func build(_ write: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(&buffer)
        return buffer
    }
}
