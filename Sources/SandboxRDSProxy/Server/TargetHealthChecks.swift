import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore

/// A target's health as DescribeDBProxyTargets reports it.
public struct TargetHealth: Sendable, Equatable {
    public var state: TargetHealthState
    public var reason: TargetHealthReason?
    public var description: String?

    /// `UNAVAILABLE CONNECTION_FAILED Database connection failed: …`, as the aws CLI's table shows it.
    public var text: String {
        [self.state.rawValue, self.reason?.rawValue, self.description].compactMap { $0 }.joined(separator: " ")
    }

    /// While the writer behind the proxy fails over.
    static let failingOver = TargetHealth(
        state: .unavailable,
        reason: .connectionFailed,
        description: "The cluster is failing over; requests wait for the instance to route to."
    )
}

/// How a proxy of either engine checks its targets as RDS Proxy sees them — credentials readable as its role, the
/// network path, a login with the secret — and records the result with the account (DescribeDBProxyTargets' rows),
/// logging a change at info. The engine gives the login and what of its errors is an authentication failure.
final class TargetHealthChecks: Sendable {
    /// Logs in to a target as a login and closes (throws what the target answered).
    typealias Login = @Sendable (RDSProxyConfiguration.Target, ProxyCredentials.Login) async throws -> Void

    private let configuration: RDSProxyConfiguration
    private let credentials: ProxyCredentials
    private let login: Login
    /// The target's refusal of the secret's credentials, in its words; nil for other errors.
    private let authFailure: @Sendable (any Error) -> String?
    /// The health last recorded: a change is logged at info, a check that finds the same at debug.
    private let last = NIOLockedValueBox<TargetHealth?>(nil)
    private let lastCheck: NIOLockedValueBox<ContinuousClock.Instant>

    init(
        configuration: RDSProxyConfiguration,
        credentials: ProxyCredentials,
        login: @escaping Login,
        authFailure: @escaping @Sendable (any Error) -> String?
    ) {
        (self.configuration, self.credentials, self.login, self.authFailure) = (
            configuration, credentials, login, authFailure
        )
        self.lastCheck = NIOLockedValueBox(configuration.clock.now)
    }

    /// Checks `target` (failing over while `targetDown`) and records it; then the other targets.
    func check(_ target: RDSProxyConfiguration.Target, targetDown: Bool) async -> TargetHealth {
        let health = targetDown ? .failingOver : await self.probe(target)
        self.record(health, current: target)
        for other in self.configuration.otherTargets?() ?? [] where other.instanceID != target.instanceID {
            self.record(await self.probe(other), of: other)
        }
        return health
    }

    /// Checks as `check` does once `healthCheckInterval` has passed since the last check this way (the proxy's tick).
    func checkWhenDue(_ target: RDSProxyConfiguration.Target, targetDown: Bool) async {
        let every = self.configuration.healthCheckInterval
        let now = self.configuration.clock.now
        let due = self.lastCheck.withLockedValue { last in
            guard now - last >= every else { return false }
            last = now
            return true
        }
        if due { _ = await self.check(target, targetDown: targetDown) }
    }

    /// Records the current target's health with the account and logs a change.
    func record(_ health: TargetHealth, current target: RDSProxyConfiguration.Target) {
        self.record(health, of: target)
        let changed = self.last.withLockedValue { last in
            defer { last = health }
            return last != health
        }
        var metadata: Logger.Metadata = ["rdsproxy.target_state": "\(health.state.rawValue)"]
        if let reason = health.reason { metadata["rdsproxy.target_reason"] = "\(reason.rawValue)" }
        if let description = health.description { metadata["rdsproxy.target_description"] = "\(description)" }
        self.configuration.logger.log(
            level: changed ? .info : .debug,
            changed ? "target health changed" : "target health",
            metadata: metadata
        )
    }

    /// The proxy's own listener keeps DescribeDBProxyTargets' rows; an additional endpoint's only logs what it sees
    /// (while it waits for a reader, its target is not one it routes to).
    private func record(_ health: TargetHealth, of target: RDSProxyConfiguration.Target) {
        guard let instance = target.instanceID, self.configuration.endpointName == nil else { return }
        self.configuration.account.setTargetHealth(
            proxy: self.configuration.record.name,
            instance: instance,
            state: health.state,
            reason: health.reason,
            description: health.description
        )
    }

    private func probe(_ target: RDSProxyConfiguration.Target) async -> TargetHealth {
        let snapshot = self.credentials.refresh()
        guard let login = snapshot.logins.values.sorted(by: { $0.username < $1.username }).first else {
            let why = snapshot.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(
                separator: "; "
            )
            return TargetHealth(
                state: .unavailable,
                reason: .authFailure,
                description: "Proxy does not have any registered credentials." + (why.isEmpty ? "" : " \(why)")
            )
        }
        if let reachability = self.configuration.reachability?(target) {
            return TargetHealth(
                state: .unavailable,
                reason: .unreachable,
                description: "The proxy can't reach the target: \(reachability)"
            )
        }
        do {
            try await self.login(target, login)
            return TargetHealth(state: .available, reason: nil, description: nil)
        } catch {
            if let refusal = self.authFailure(error) {
                return TargetHealth(
                    state: .unavailable,
                    reason: .authFailure,
                    description:
                        "Database authentication failed for user \(login.username) with the credentials in "
                        + "\(login.entry.secretARN ?? "its secret"): \(refusal)"
                )
            }
            return TargetHealth(
                state: .unavailable,
                reason: .connectionFailed,
                description: "Database connection failed: \(error)"
            )
        }
    }
}
