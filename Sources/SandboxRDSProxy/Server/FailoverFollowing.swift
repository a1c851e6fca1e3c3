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

/// What holds a pool's requests while its target fails over (the pool, for either engine's connections).
protocol TargetGate: Sendable {
    func targetDown()
    func targetUp()
    var isTargetDown: Bool { get }
}

extension BackendPool: TargetGate {}

/// A proxy listener's target through failover, for either engine: where new target connections go, the pool's gate
/// that holds requests while the target fails over, and the target's health checks (what DescribeDBProxyTargets shows).
final class TargetFollower: Sendable {
    let current: CurrentTarget
    let health: TargetHealthChecks
    private let gate: any TargetGate

    init(current: CurrentTarget, health: TargetHealthChecks, gate: any TargetGate) {
        (self.current, self.health, self.gate) = (current, health, gate)
    }

    var target: RDSProxyConfiguration.Target { self.current.value }
    var isWaiting: Bool { self.gate.isTargetDown }

    /// Requests wait, the old target's connections close, and the target shows UNAVAILABLE.
    func failingOver() {
        self.gate.targetDown()
        self.health.record(.failingOver, current: self.target)
    }

    /// Connections open to `target` from now on, waiting requests go on, and its health is checked.
    func move(to target: RDSProxyConfiguration.Target) async {
        self.current.move(to: target)
        self.gate.targetUp()
        _ = await self.check()
    }

    /// Checks the target (failing over while the gate is down) and the other targets, and records them.
    func check() async -> TargetHealth { await self.health.check(self.target, targetDown: self.gate.isTargetDown) }

    /// As `check()`, once `healthCheckInterval` has passed since the last such check (the proxy's tick).
    func checkWhenDue() async { await self.health.checkWhenDue(self.target, targetDown: self.gate.isTargetDown) }
}
