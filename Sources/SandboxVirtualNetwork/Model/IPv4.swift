/// An IPv4 address as a number, so blocks and ranges are arithmetic.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// `10.0.1.5`; nil unless four decimal octets.
    public init?(_ text: String) {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        self.value = value
    }

    public var description: String {
        "\(self.value >> 24).\(self.value >> 16 & 0xFF).\(self.value >> 8 & 0xFF).\(self.value & 0xFF)"
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// A CIDR block: `10.0.0.0/16`.
public struct IPv4Block: Sendable, Hashable, CustomStringConvertible {
    public let network: IPv4Address
    public let prefix: Int

    /// Parses `a.b.c.d/n`; the address must be the block's network address (as AWS requires).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), let prefix = Int(parts[1]),
            (0...32).contains(prefix),
            address.value & Self.mask(prefix) == address.value
        else { return nil }
        self.network = address
        self.prefix = prefix
    }

    public static let everywhere = IPv4Block("0.0.0.0/0")!

    public var description: String { "\(self.network)/\(self.prefix)" }
    public var size: UInt64 { UInt64(1) << UInt64(32 - self.prefix) }
    public var last: IPv4Address { IPv4Address(self.network.value | ~Self.mask(self.prefix)) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & Self.mask(self.prefix) == self.network.value
    }
    public func contains(_ block: IPv4Block) -> Bool { block.prefix >= self.prefix && self.contains(block.network) }
    public func overlaps(_ other: IPv4Block) -> Bool { self.contains(other.network) || other.contains(self.network) }

    /// The address `offset` into the block.
    public func address(_ offset: UInt32) -> IPv4Address { IPv4Address(self.network.value + offset) }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }
}
