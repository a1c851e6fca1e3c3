import NIOConcurrencyHelpers

/// A proxy listener, of either engine, in front of an Aurora-style cluster: it follows the writer (or, for a read-only
/// endpoint, a reader) through failover. While the target fails over, new requests wait (up to
/// ConnectionBorrowTimeout) and statements in flight on the old target fail as its connections drop.
public protocol FailoverFollowing: AnyObject, Sendable {
    /// The target connections go to now.
    var target: RDSProxyConfiguration.Target { get }
    /// Whether requests wait for a target (`targetFailingOver()` until `retarget(_:)`).
    var isWaitingForTarget: Bool { get }
    /// The target is failing over: requests wait, and its connections close (idle ones now, lent ones as they return).
    func targetFailingOver()
    /// The new target (a new writer, or another reader): connections open to it and waiting requests go on.
    func retarget(_ target: RDSProxyConfiguration.Target) async
}

extension RDSProxyServer: FailoverFollowing {}

/// Where a proxy's new target connections go, read by its pool as each opens; moved by failover, and the move
/// recorded with the account (DescribeDBProxyTargets' rows).
final class CurrentTarget: Sendable {
    private let target: NIOLockedValueBox<RDSProxyConfiguration.Target>
    private let configuration: RDSProxyConfiguration

    init(_ configuration: RDSProxyConfiguration) {
        self.configuration = configuration
        self.target = NIOLockedValueBox(configuration.target)
    }

    var value: RDSProxyConfiguration.Target { self.target.withLockedValue { $0 } }

    func move(to target: RDSProxyConfiguration.Target) {
        self.target.withLockedValue { $0 = target }
        if let instance = target.instanceID {
            self.configuration.account.setProxyTarget(proxy: self.configuration.record.name, instance: instance)
        }
    }
}
