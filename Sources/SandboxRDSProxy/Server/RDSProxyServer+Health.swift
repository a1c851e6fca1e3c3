import SandboxAWSCore
import Foundation
import Logging
import SandboxMySQLWire

extension RDSProxyServer {
    /// A target's health as DescribeDBProxyTargets reports it.
    public struct TargetHealth: Sendable, Equatable {
        public var state: TargetHealthState
        public var reason: TargetHealthReason?
        public var description: String?

        /// `UNAVAILABLE CONNECTION_FAILED Database connection failed: …`, as the aws CLI's table shows it.
        public var text: String { [self.state.rawValue, self.reason?.rawValue, self.description].compactMap { $0 }.joined(separator: " ") }

        /// While the writer behind the proxy fails over.
        static let failingOver = TargetHealth(state: .unavailable, reason: .connectionFailed,
                                              description: "The cluster is failing over; requests wait for the instance to route to.")
    }

    /// Checks the target as the proxy sees it (credentials readable as its role, the network path, a login with
    /// the secret) and records the result with the account, for DescribeDBProxyTargets; then the other targets.
    @discardableResult
    public func checkTargetHealth() async -> TargetHealth {
        let target = self.target
        let health = self.pool.isTargetDown ? .failingOver : await self.probe(target, reachability: self.configuration.reachability?(target))
        self.recordTargetHealth(health)
        for other in self.configuration.otherTargets?() ?? [] where other.instanceID != target.instanceID {
            self.record(await self.probe(other, reachability: self.configuration.reachability?(other)), of: other)
        }
        return health
    }

    /// Records the current target's health with the account, for DescribeDBProxyTargets, and logs a change.
    func recordTargetHealth(_ health: TargetHealth) {
        self.record(health, of: self.target)
        let changed = self.lastHealth.withLockedValue { last in
            defer { last = health }
            return last != health
        }
        var metadata: Logger.Metadata = ["rdsproxy.target_state": "\(health.state.rawValue)"]
        if let reason = health.reason { metadata["rdsproxy.target_reason"] = "\(reason.rawValue)" }
        if let description = health.description { metadata["rdsproxy.target_description"] = "\(description)" }
        self.configuration.logger.log(level: changed ? .info : .debug, changed ? "target health changed" : "target health", metadata: metadata)
    }

    /// The proxy's own listener keeps DescribeDBProxyTargets' rows; an additional endpoint's only logs what it sees
    /// (while it waits for a reader, its target is not one it routes to).
    private func record(_ health: TargetHealth, of target: RDSProxyConfiguration.Target) {
        guard let instance = target.instanceID, self.configuration.endpointName == nil else { return }
        self.configuration.account.setTargetHealth(proxy: self.configuration.record.name, instance: instance, state: health.state,
                                                   reason: health.reason, description: health.description)
    }

    /// `reachability`: why the network blocks the proxy from `target` (nil: the path exists).
    private func probe(_ target: RDSProxyConfiguration.Target, reachability: String?) async -> TargetHealth {
        let snapshot = self.credentials.refresh()
        guard let login = snapshot.logins.values.sorted(by: { $0.username < $1.username }).first else {
            let why = snapshot.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            return TargetHealth(state: .unavailable, reason: .authFailure,
                                description: "Proxy does not have any registered credentials." + (why.isEmpty ? "" : " \(why)"))
        }
        if let reachability {
            return TargetHealth(state: .unavailable, reason: .unreachable, description: "The proxy can't reach the target: \(reachability)")
        }
        do {
            let connection = try await Self.connect(target, login: login, timeout: self.configuration.targetConnectTimeout)
            await connection.close()
            return TargetHealth(state: .available, reason: nil, description: nil)
        } catch let MySQLClientError.server(error) where error.code == 1045 {
            return TargetHealth(state: .unavailable, reason: .authFailure,
                                description: "Database authentication failed for user \(login.username) with the credentials in \(login.entry.secretARN ?? "its secret"): \(error.message)")
        } catch {
            return TargetHealth(state: .unavailable, reason: .connectionFailed, description: "Database connection failed: \(error)")
        }
    }
}
