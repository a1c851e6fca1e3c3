import CloudSandbox
import Foundation

/// The checks that read what the sandbox recorded while the paths were tried: a function's own code may name its
/// proxy and user in ways its configuration does not show (a `DATABASE_URL`, a user read from a secret).
extension DiagnosisChecks {
    /// Each rds-db:connect the proxies (and their endpoints) refused during the tries, classified for the role that
    /// was refused, unless a static check already found that function's path.
    mutating func checkObservedRefusals() {
        for proxy in self.topology.proxies ?? [] {
            for listener in [proxy.name] + (proxy.endpoints ?? []).map(\.name) {
                for entry in self.sandbox.proxy(listener)?.audit.all ?? [] where entry.outcome == "refused" {
                    guard let denial = entry.reason.range(of: " is not allowed rds-db:connect on "),
                        let role = Self.role(in: String(entry.reason[..<denial.lowerBound]))
                    else { continue }
                    let function = self.topology.functions?.first {
                        ($0.role.split(separator: "/").last.map(String.init) ?? $0.role) == role
                    }
                    let subject = "function \(function?.name ?? role) → proxy \(proxy.name)"
                    guard !self.findings.contains(where: { $0.subject == subject }) else { continue }
                    self.classifyConnectDenial(
                        role: role,
                        user: entry.user,
                        subject: subject,
                        evidence: ["\(listener) refused \(entry.user) while the paths were tried: \(entry.reason)"]
                    )
                }
            }
        }
    }

    /// `ROLE` of `arn:aws:sts::<account>:assumed-role/ROLE/<session>`.
    private static func role(in principal: String) -> String? {
        guard let start = principal.range(of: ":assumed-role/") else { return nil }
        return principal[start.upperBound...].split(separator: "/").first.map(String.init)
    }
}
