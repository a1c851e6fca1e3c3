/// A query string as SigV4 signs it, parsed once on bytes: every name and value percent-decoded and encoded
/// again (RFC 3986, upper-case hex), held in one buffer, sorted by name then value for the canonical request.
/// A part whose escapes are malformed, or that does not decode to UTF-8, stands for itself (its `%` encoded).
struct CanonicalQuery {
    private var bytes: [UInt8] = []
    /// The pairs in query order.
    private var pairs: [(name: Range<Int>, value: Range<Int>)] = []
    /// Indices into `pairs` in canonical order.
    private var order: [Int] = []

    init(_ raw: String) {
        var raw = raw
        raw.withUTF8 { self.parse($0) }
    }

    private mutating func parse(_ raw: UnsafeBufferPointer<UInt8>) {
        self.bytes.reserveCapacity(raw.count + raw.count / 4)
        var decoded: [UInt8] = []
        for item in raw.split(separator: UInt8(ascii: "&")) {
            let equals = item.firstIndex(of: UInt8(ascii: "="))
            let nameStart = self.bytes.count
            self.appendEncoded(item[..<(equals ?? item.endIndex)], scratch: &decoded)
            let valueStart = self.bytes.count
            if let equals { self.appendEncoded(item[(equals + 1)...], scratch: &decoded) }
            self.pairs.append((nameStart..<valueStart, valueStart..<self.bytes.count))
        }
        self.order = Array(self.pairs.indices)
        self.order.sort { a, b in
            let (left, right) = (self.pairs[a], self.pairs[b])
            let names = (self.bytes[left.name], self.bytes[right.name])
            return names.0.elementsEqual(names.1)
                ? self.bytes[left.value].lexicographicallyPrecedes(self.bytes[right.value])
                : names.0.lexicographicallyPrecedes(names.1)
        }
    }

    /// Appends the encoding of `part` decoded, in one pass; a part with a malformed escape is encoded as it came, and
    /// one with bytes past ASCII is decoded into `scratch` and checked for UTF-8 first.
    private mutating func appendEncoded(_ part: Slice<UnsafeBufferPointer<UInt8>>, scratch: inout [UInt8]) {
        let start = self.bytes.count
        var index = part.startIndex
        while index < part.endIndex {
            var byte = part[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex, let high = SigV4Encoding.hexValue(part[index + 1]),
                    let low = SigV4Encoding.hexValue(part[index + 2])
                else {
                    return self.appendEncodedAsItCame(part, from: start)
                }
                byte = high << 4 | low
                index += 2
            }
            guard byte < 0x80 else { return self.appendEncodedPastASCII(part, from: start, scratch: &scratch) }
            SigV4Encoding.uriEncode(byte, into: &self.bytes)
            index += 1
        }
    }

    private mutating func appendEncodedAsItCame(_ part: Slice<UnsafeBufferPointer<UInt8>>, from start: Int) {
        self.bytes.removeSubrange(start...)
        SigV4Encoding.uriEncode(part, into: &self.bytes)
    }

    private mutating func appendEncodedPastASCII(
        _ part: Slice<UnsafeBufferPointer<UInt8>>,
        from start: Int,
        scratch: inout [UInt8]
    ) {
        scratch.removeAll(keepingCapacity: true)
        guard SigV4Encoding.percentDecode(part, into: &scratch), String(validating: scratch, as: UTF8.self) != nil
        else {
            return self.appendEncodedAsItCame(part, from: start)
        }
        self.bytes.removeSubrange(start...)
        SigV4Encoding.uriEncode(scratch, into: &self.bytes)
    }

    /// The encoded value of the first pair named `name` (an unreserved ASCII name, which encodes as itself).
    func encodedValue(_ name: String) -> ArraySlice<UInt8>? {
        self.pairs.first { self.isNamed($0.name, name) }.map { self.bytes[$0.value] }
    }

    private func isNamed(_ range: Range<Int>, _ name: String) -> Bool {
        range.count == name.utf8.count && self.bytes[range].elementsEqual(name.utf8)
    }

    /// The decoded value of the first pair named `name`.
    func value(_ name: String) -> String? {
        guard let encoded = self.encodedValue(name) else { return nil }
        guard encoded.contains(UInt8(ascii: "%")) else { return String(decoding: encoded, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(encoded.count)
        _ = SigV4Encoding.percentDecode(encoded, into: &decoded)
        return String(decoding: decoded, as: UTF8.self)
    }

    func contains(_ name: String) -> Bool { self.encodedValue(name) != nil }

    /// Appends `name=value` pairs joined by `&` in canonical order, without the pairs named `excluded`.
    func write(excluding excluded: String? = nil, into out: inout [UInt8]) {
        var first = true
        for index in self.order {
            let pair = self.pairs[index]
            if let excluded, self.isNamed(pair.name, excluded) { continue }
            if !first { out.append(UInt8(ascii: "&")) }
            out += self.bytes[pair.name]
            out.append(UInt8(ascii: "="))
            out += self.bytes[pair.value]
            first = false
        }
    }
}
