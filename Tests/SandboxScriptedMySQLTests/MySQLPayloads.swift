extension Array where Element == UInt8 {
    /// The MySQL packets in these bytes (payloads only).
    var mysqlPayloads: [[UInt8]] {
        var payloads: [[UInt8]] = []
        var index = 0
        while index + 4 <= self.count {
            let length = Int(self[index]) | Int(self[index + 1]) << 8 | Int(self[index + 2]) << 16
            guard index + 4 + length <= self.count else { break }
            payloads.append(Array(self[(index + 4)..<(index + 4 + length)]))
            index += 4 + length
        }
        return payloads
    }
}

/// The message of an ERR payload.
func errorMessage(_ payload: [UInt8]) -> (code: UInt16, text: String)? {
    guard payload.first == 0xFF, payload.count >= 3 else { return nil }
    return (UInt16(payload[1]) | UInt16(payload[2]) << 8, String(decoding: payload.dropFirst(3), as: UTF8.self))
}
