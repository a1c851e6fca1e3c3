extension JSONValue {
    /// Why some bytes are not JSON, and where.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// The byte offset where parsing stopped.
        public var offset: Int
        public var reason: String
        public var description: String { "not JSON at byte \(self.offset): \(self.reason)" }

        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }
    }

    /// Parses JSON text (RFC 8259, nesting at most 512 deep); throws where it is not JSON.
    public init(parsing bytes: some Collection<UInt8>) throws(ParseError) {
        var parser = JSONParser(bytes: Array(bytes))
        self = try parser.document()
    }
}

/// A recursive-descent parser over UTF-8 bytes: integers without a fraction or exponent that fit 64 bits are
/// `.int`, other numbers `.double`.
private struct JSONParser {
    static let maxDepth = 512
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(JSONValue.ParseError) -> JSONValue {
        let value = try self.value()
        self.skipWhitespace()
        guard self.index == self.bytes.count else { throw self.error("unexpected text after the value") }
        return value
    }

    private mutating func value() throws(JSONValue.ParseError) -> JSONValue {
        self.skipWhitespace()
        guard let byte = self.peek else { throw self.error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try self.nested { parser throws(JSONValue.ParseError) in try parser.object() }
        case UInt8(ascii: "["): return try self.nested { parser throws(JSONValue.ParseError) in try parser.array() }
        case UInt8(ascii: "\""): return .string(try self.string())
        case UInt8(ascii: "t"):
            try self.literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.number()
        default: throw self.error("unexpected character '\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func nested(
        _ body: (inout JSONParser) throws(JSONValue.ParseError) -> JSONValue
    ) throws(JSONValue.ParseError) -> JSONValue {
        self.depth += 1
        defer { self.depth -= 1 }
        guard self.depth <= Self.maxDepth else { throw self.error("nested deeper than \(Self.maxDepth)") }
        return try body(&self)
    }

    private mutating func object() throws(JSONValue.ParseError) -> JSONValue {
        self.index += 1
        var members: [String: JSONValue] = [:]
        self.skipWhitespace()
        if self.peek == UInt8(ascii: "}") {
            self.index += 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.peek == UInt8(ascii: "\"") else { throw self.error("expected a member name in quotes") }
            let key = try self.string()
            self.skipWhitespace()
            guard self.peek == UInt8(ascii: ":") else { throw self.error("expected ':' after a member name") }
            self.index += 1
            members[key] = try self.value()
            self.skipWhitespace()
            switch self.peek {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                return .object(members)
            default: throw self.error("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws(JSONValue.ParseError) -> JSONValue {
        self.index += 1
        var values: [JSONValue] = []
        self.skipWhitespace()
        if self.peek == UInt8(ascii: "]") {
            self.index += 1
            return .array(values)
        }
        while true {
            values.append(try self.value())
            self.skipWhitespace()
            switch self.peek {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                return .array(values)
            default: throw self.error("expected ',' or ']' in an array")
            }
        }
    }

    /// A string from its opening quote; escapes decoded, UTF-8 checked.
    private mutating func string() throws(JSONValue.ParseError) -> String {
        self.index += 1
        let start = self.index
        // The common case: no escape, so the bytes are the string.
        while let byte = self.peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 {
            self.index += 1
        }
        var text = self.bytes[start..<self.index].map { $0 }
        while true {
            guard let byte = self.peek else { throw self.error("unterminated string") }
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: text, as: UTF8.self) else {
                    throw self.error("a string that is not UTF-8")
                }
                return string
            case UInt8(ascii: "\\"): try self.escape(into: &text)
            case 0..<0x20:
                self.index -= 1
                throw self.error("a control character in a string")
            default: text.append(byte)
            }
        }
    }

    private mutating func escape(into text: inout [UInt8]) throws(JSONValue.ParseError) {
        guard let byte = self.peek else { throw self.error("unterminated escape") }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try self.hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard self.peek == UInt8(ascii: "\\"), self.index + 1 < self.bytes.count,
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                else {
                    throw self.error("a lone UTF-16 surrogate in \\u escapes")
                }
                self.index += 2
                let low = try self.hex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw self.error("a lone UTF-16 surrogate in \\u escapes")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw self.error("a lone UTF-16 surrogate in \\u escapes")
            }
            text.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            self.index -= 1
            throw self.error("an unknown escape '\\\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    private mutating func number() throws(JSONValue.ParseError) -> JSONValue {
        let start = self.index
        if self.peek == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.peek, Self.isDigit(first) else { throw self.error("a number needs a digit") }
        self.index += 1
        if first != UInt8(ascii: "0") { self.skipDigits() }
        var integral = true
        if self.peek == UInt8(ascii: ".") {
            integral = false
            self.index += 1
            guard let digit = self.peek, Self.isDigit(digit) else { throw self.error("a fraction needs a digit") }
            self.skipDigits()
        }
        if self.peek == UInt8(ascii: "e") || self.peek == UInt8(ascii: "E") {
            integral = false
            self.index += 1
            if self.peek == UInt8(ascii: "+") || self.peek == UInt8(ascii: "-") { self.index += 1 }
            guard let digit = self.peek, Self.isDigit(digit) else { throw self.error("an exponent needs a digit") }
            self.skipDigits()
        }
        let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        guard let value = Double(text) else { throw self.error("a number out of range") }
        return .double(value)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func skipDigits() {
        while let byte = self.peek, Self.isDigit(byte) { self.index += 1 }
    }

    private mutating func literal(_ word: StaticString) throws(JSONValue.ParseError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard self.index + expected.count <= self.bytes.count,
            self.bytes[self.index..<self.index + expected.count].elementsEqual(expected)
        else {
            throw self.error("unexpected word (expected \(word))")
        }
        self.index += expected.count
    }

    private mutating func skipWhitespace() {
        while let byte = self.peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { self.index += 1 }
    }

    private var peek: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    private func error(_ reason: String) -> JSONValue.ParseError {
        JSONValue.ParseError(offset: self.index, reason: reason)
    }
}
