import FakeAWS
import Foundation
import Logging
import MySQLWire

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
                                              description: "The writer is failing over; requests wait for the new writer.")
    }

    /// Checks the target as the proxy sees it (credentials readable as its role, the network path, a login with
    /// the secret) and records the result with the account, for DescribeDBProxyTargets.
    @discardableResult
    public func checkTargetHealth() async -> TargetHealth {
        let health = self.pool.isTargetDown ? .failingOver : await self.probe(reachability: self.configuration.reachability?())
        self.recordTargetHealth(health)
        return health
    }

    /// Records the current target's health with the account, for DescribeDBProxyTargets.
    func recordTargetHealth(_ health: TargetHealth) {
        if let instance = self.target.instanceID {
            self.configuration.account.setTargetHealth(proxy: self.configuration.record.name, instance: instance, state: health.state,
                                                       reason: health.reason, description: health.description)
        }
        let changed = self.lastHealth.withLockedValue { last in
            defer { last = health }
            return last != health
        }
        var metadata: Logger.Metadata = ["rdsproxy.target_state": "\(health.state.rawValue)"]
        if let reason = health.reason { metadata["rdsproxy.target_reason"] = "\(reason.rawValue)" }
        if let description = health.description { metadata["rdsproxy.target_description"] = "\(description)" }
        self.configuration.logger.log(level: changed ? .info : .debug, changed ? "target health changed" : "target health", metadata: metadata)
    }

    /// `reachability`: why the network blocks the proxy from its target (nil: the path exists).
    private func probe(reachability: String?) async -> TargetHealth {
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
            let connection = try await Self.connect(self.target, login: login, timeout: self.configuration.targetConnectTimeout)
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
