import CloudSandbox
import Foundation

/// The checks that read what the proxies found when they read their secrets and tried their targets.
extension DiagnosisChecks {
    /// Why each proxy's secrets are unusable (its role's trust, GetSecretValue, KMS, the JSON), and the
    /// authentication failures of the target health `tryPaths` checked.
    mutating func checkProxySecrets() {
        for proxy in self.topology.proxies ?? [] {
            guard let server = self.sandbox.proxy(proxy.name) else { continue }
            var found: [String: [String]] = [:]
            for (arn, reason) in server.unusableSecrets.sorted(by: { $0.key < $1.key }) {
                let id = Self.secretFailure(reason)
                found[id, default: []].append("\(arn): \(reason)")
            }
            for (id, evidence) in found.sorted(by: { $0.key < $1.key }) {
                self.add(id, "proxy \(proxy.name) (role \(proxy.role))", evidence)
            }
            if let health = self.targetHealth[proxy.name], health.targetReason == "AUTH_FAILURE",
                health.text.contains("Database authentication failed")
            {
                self.add("secret-password-changed-outside", "proxy \(proxy.name) → \(proxy.target)", [health.text])
            }
        }
        for (function, observed) in self.failedFunctions.sorted(by: { $0.key < $1.key })
        where observed.contains("Access to KMS is not allowed") {
            self.add("secret-without-kms-decrypt", "function \(function) (its role reading its secret)", [observed])
        }
    }

    /// The catalog entry a proxy's secret failure is.
    static func secretFailure(_ reason: String) -> String {
        if reason.contains("cannot assume") { return "proxy-role-trust-not-rds" }
        if reason.contains("Access to KMS is not allowed") { return "secret-without-kms-decrypt" }
        if reason.contains("secretsmanager:GetSecretValue") { return "proxy-role-without-get-secret-value" }
        if reason.contains("is not JSON with") { return "secret-without-password" }
        return "broken-path"
    }
}
