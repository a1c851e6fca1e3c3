/// The VPC's resolver as DNS messages (RFC 1035), without sockets: a query's question, and the answer to it from
/// the sandbox's names. A names an IPv4 address; every other type of a known name (AAAA: the sandbox's names are
/// IPv4 only, as an RDS endpoint of an IPv4 VPC is) is answered with no records, as a name with only an A record is;
/// a name the sandbox does not hold is NXDOMAIN unless it is forwarded. What cannot be parsed gets no answer.
public struct DNSQuery: Sendable, Equatable {
    public var id: UInt16
    public var name: String
    public var type: UInt16
    public var recursionDesired: Bool
    /// The question's bytes as sent (name, type, class), echoed in the answer.
    var question: ArraySlice<UInt8>

    public static let typeA: UInt16 = 1
    public static let typeAAAA: UInt16 = 28

    /// The first question of a standard query, or nil for anything else (a response, another opcode, a truncated or
    /// compressed question).
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0, (bytes[2] >> 3) & 0x0F == 0, bytes[4] == 0, bytes[5] >= 1 else {
            return nil
        }
        var labels: [String] = []
        var index = 12
        while true {
            guard index < bytes.count else { return nil }
            let length = Int(bytes[index])
            if length == 0 { break }
            guard length < 64, index + 1 + length <= bytes.count else { return nil }
            labels.append(String(decoding: bytes[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        guard index + 5 <= bytes.count else { return nil }
        self.id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        self.recursionDesired = bytes[2] & 0x01 != 0
        self.name = labels.joined(separator: ".").lowercased()
        self.type = UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index + 2])
        self.question = bytes[12..<(index + 5)]
    }

    /// SERVFAIL with the question: what a client gets when a forwarded query finds no upstream answer in time.
    public func serverFailure() -> [UInt8] {
        [
            UInt8(self.id >> 8), UInt8(self.id & 0xFF), 0x80 | (self.recursionDesired ? 0x01 : 0), 0x82, 0, 1, 0, 0, 0,
            0, 0, 0,
        ] + self.question
    }

    /// The id of a DNS message's header, and whether the message is a response (QR set); nil for less than a header.
    public static func header(of message: [UInt8]) -> (id: UInt16, isResponse: Bool)? {
        message.count >= 12 ? (UInt16(message[0]) << 8 | UInt16(message[1]), message[2] & 0x80 != 0) : nil
    }

    /// `message` (a whole header at least) with its id replaced by `id`: a query sent upstream, its answer sent back.
    public static func message(_ message: [UInt8], withID id: UInt16) -> [UInt8] {
        var bytes = message
        bytes[0] = UInt8(id >> 8)
        bytes[1] = UInt8(id & 0xFF)
        return bytes
    }

    /// The response: `address` (dotted IPv4) as an A record with `ttl` seconds, no record for another type of a
    /// known name, NXDOMAIN when `address` is nil.
    public func answer(address: String?, ttl: UInt32) -> [UInt8] {
        let octets = address.map { $0.split(separator: ".").compactMap { UInt8($0) } }
        let known = octets?.count == 4
        let record = known && self.type == Self.typeA
        var bytes: [UInt8] = [
            UInt8(self.id >> 8), UInt8(self.id & 0xFF),
            0x84 | (self.recursionDesired ? 0x01 : 0), 0x80 | (known ? 0 : 3),  // QR AA [RD], RA, NOERROR / NXDOMAIN
            0, 1, 0, record ? 1 : 0, 0, 0, 0, 0,
        ]
        bytes += self.question
        if record, let octets {
            bytes += [0xC0, 0x0C, 0, 1, 0, 1]  // the question's name, type A, class IN
            bytes +=
                [UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF), 0, 4]
                + octets
        }
        return bytes
    }
}
