import NIOConcurrencyHelpers

/// A /24 of 127.0.0.0/8 owned by one sandbox, so parallel sandboxes in one process never share an address.
/// Linux routes all of 127/8 to loopback, so binding any of these needs no set-up and no root.
public struct LoopbackAddressBlock: Sendable, Equatable {
    /// The block's second and third octets: addresses are 127.<a>.<b>.<host>.
    public let a: UInt8
    public let b: UInt8

    private static let taken = NIOLockedValueBox<Set<UInt16>>([])

    /// Reserves a free block in 127.64.0.0/10 (away from 127.0.0.1 and the usual 127.0.x hosts).
    public static func reserve() throws(TopologyError) -> LoopbackAddressBlock {
        for _ in 0..<1_000 {
            let a = UInt8.random(in: 64...127)
            let b = UInt8.random(in: 0...255)
            let key = UInt16(a) << 8 | UInt16(b)
            if Self.taken.withLockedValue({ $0.insert(key).inserted }) { return LoopbackAddressBlock(a: a, b: b) }
        }
        throw TopologyError(
            path: "loopback",
            "no free 127.x.y.0/24 block is left in this process; shut down sandboxes you no longer use"
        )
    }

    public func release() {
        _ = Self.taken.withLockedValue { $0.remove(UInt16(self.a) << 8 | UInt16(self.b)) }
    }

    /// The address of host `index` (1...254) in this block.
    public func address(_ index: Int) throws(TopologyError) -> String {
        guard (1...254).contains(index) else {
            throw TopologyError(path: "loopback", "a sandbox holds at most 254 endpoints; split the topology")
        }
        return "127.\(self.a).\(self.b).\(index)"
    }
}
