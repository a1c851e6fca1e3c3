import Foundation

/// A transport protocol as security group and ACL rules name it.
public enum IPProtocol: String, Sendable, Codable, CaseIterable {
    case tcp, udp, icmp
    /// Every protocol (AWS's `-1`).
    case all

    func covers(_ other: IPProtocol) -> Bool { self == .all || self == other }
}

/// An inclusive port range; `all` covers 0...65535.
public struct PortRange: Sendable, Hashable, CustomStringConvertible {
    public let lower: Int
    public let upper: Int

    public init(_ lower: Int, _ upper: Int) {
        self.lower = lower
        self.upper = upper
    }

    public static let all = PortRange(0, 65_535)
    /// Where Linux clients' source ports come from (the return traffic stateless ACLs must admit).
    public static let ephemeral = PortRange(32_768, 60_999)

    /// `3306`, `3306-3310` or `all`; nil when malformed, out of 0...65535 or out of order.
    public init?(_ text: String) {
        if text == "all" || text == "-1" {
            self = .all
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard (1...2).contains(parts.count), let lower = parts[0], let upper = parts.last!,
            (0...65_535).contains(lower),
            (0...65_535).contains(upper), lower <= upper
        else { return nil }
        self.init(lower, upper)
    }

    public func contains(_ port: Int) -> Bool { (self.lower...self.upper).contains(port) }

    public var description: String {
        self == .all ? "all ports" : self.lower == self.upper ? "\(self.lower)" : "\(self.lower)-\(self.upper)"
    }
}
