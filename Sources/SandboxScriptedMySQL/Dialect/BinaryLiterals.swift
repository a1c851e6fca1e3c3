import SandboxMySQLWire

/// A COM_QUERY whose bytes are not UTF-8 (a client sending `_binary'…'` raw) becomes text by turning each string
/// literal that is not UTF-8 into the hex literal of its bytes (MySQL's escapes applied), so the bytes survive
/// the text-based dialect pass and reach SQLite exactly.
enum BinaryLiterals {
    static func text(of query: QueryText) -> String {
        if let text = String(validating: query.bytes, as: UTF8.self) { return text }
        var out: [UInt8] = []
        var index = 0
        let bytes = query.bytes
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "`") {  // an identifier: as it is, quotes inside and all
                let close = bytes[(index + 1)...].firstIndex(of: byte).map { $0 + 1 } ?? bytes.count
                out += bytes[index..<close]
                index = close
                continue
            }
            guard byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") else {
                out.append(byte)
                index += 1
                continue
            }
            let (value, end) = Self.literal(bytes, from: index)
            if String(validating: value, as: UTF8.self) != nil {
                out += bytes[index..<end]
            } else {
                out += Array(" x'".utf8) + value.flatMap { Array(Self.hex($0).utf8) } + [UInt8(ascii: "'")]
            }
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of the literal opening at `start` and the index after its closing quote (or the end).
    private static func literal(_ bytes: [UInt8], from start: Int) -> (value: [UInt8], end: Int) {
        let quote = bytes[start]
        var value: [UInt8] = []
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let next = bytes[index + 1]
                switch next {
                case UInt8(ascii: "0"): value.append(0)
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "Z"): value.append(0x1A)
                case UInt8(ascii: "%"), UInt8(ascii: "_"): value += [byte, next]
                default: value.append(next)
                }
                index += 2
            } else if byte == quote, index + 1 < bytes.count, bytes[index + 1] == quote {
                value.append(quote)
                index += 2
            } else if byte == quote {
                return (value, index + 1)
            } else {
                value.append(byte)
                index += 1
            }
        }
        return (value, index)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
