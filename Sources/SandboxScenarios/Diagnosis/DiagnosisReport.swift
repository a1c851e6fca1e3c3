import CloudSandbox
import Foundation

/// One misconfiguration `sandbox diagnose` found: the catalog entry, where, the evidence and the fix.
public struct Finding: Sendable, Codable, Equatable {
    /// The catalog entry's id (`proxy-missing-function-ingress`), or `broken-path` for a failure no entry explains.
    public var id: String
    public var title: String
    /// What it is about: `function items-iam → proxy app-proxy`.
    public var subject: String
    /// What the model says and what trying the path showed.
    public var evidence: [String]
    public var fix: String
}

/// A path tried live: a route called or a function invoked (its login through the proxy), a proxy's target health.
public struct PathResult: Sendable, Codable, Equatable {
    public var path: String
    public var works: Bool
    public var observed: String
    /// The edge of the topology's picture it tried (`items-iam` → `app-proxy`), when it names one.
    public var from: String?
    public var to: String?

    public init(path: String, works: Bool, observed: String, from: String? = nil, to: String? = nil) {
        self.path = path
        self.works = works
        self.observed = observed
        self.from = from
        self.to = to
    }
}

/// What `sandbox diagnose` reports.
public struct DiagnosisReport: Sendable, Codable, Equatable {
    public var findings: [Finding]
    public var paths: [PathResult]
    /// Catalog entries it cannot decide from a topology, with why (a client's code, load).
    public var notChecked: [String]
    /// What the sandbox refused or denied while the paths were tried (logins, IAM, the network), oldest first.
    public var audit: [String] = []

    /// Whether something is wrong: a finding, or a path that fails.
    public var isBroken: Bool { !self.findings.isEmpty || self.paths.contains { !$0.works } }

    /// The report with each of `secrets` and every token signature replaced in its text.
    func redacting(_ secrets: [String]) -> DiagnosisReport {
        func clean(_ text: String) -> String { Redaction.redact(text, secrets: secrets) }
        var report = self
        report.findings = self.findings.map {
            var finding = $0
            finding.evidence = finding.evidence.map(clean)
            finding.subject = clean(finding.subject)
            return finding
        }
        report.paths = self.paths.map {
            var path = $0
            path.observed = clean(path.observed)
            return path
        }
        report.audit = self.audit.map(clean)
        return report
    }

    /// The distinct catalog ids found, sorted.
    public var ids: [String] { Array(Set(self.findings.map(\.id))).sorted() }

    /// For people: the paths, then each finding with its evidence and fix.
    public var text: String {
        var lines = ["paths tried:"]
        lines += self.paths.map {
            "  \($0.works ? "ok  " : "FAIL") \($0.path)" + ($0.works ? "" : ": \($0.observed.prefix(240))")
        }
        if self.findings.isEmpty {
            lines.append("no misconfiguration found")
        } else {
            lines.append("\(self.findings.count) finding(s):")
            for finding in self.findings {
                lines.append("  [\(finding.id)] \(finding.title)\n    at: \(finding.subject)")
                lines += finding.evidence.map { "    evidence: \($0)" }
                lines.append("    fix: \(finding.fix)")
            }
        }
        if !self.notChecked.isEmpty {
            lines.append("not checked from a topology:")
            lines += self.notChecked.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
