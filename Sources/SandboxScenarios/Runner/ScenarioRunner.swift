import CloudSandbox
import Foundation
import Logging
import SandboxLambda

/// What running a catalog entry showed: the symptom on the broken topology, the sandbox's explanation, and the
/// probe on the fixed one.
public struct ScenarioReport: Sendable {
    public var id: String
    public var symptom: Observation
    public var explanation: String
    public var fixed: Observation
    /// Every way the entry did not hold (empty: it holds).
    public var failures: [String]
    public var seconds: Double

    public var passed: Bool { self.failures.isEmpty }
}

/// Runs catalog entries: each in sandboxes of its own, so entries run side by side.
public struct ScenarioRunner: Sendable {
    public var timeout: UInt32
    public var logger: Logger

    public init(
        timeout: UInt32 = 5,
        logger: Logger = Logger(label: "cloudsandbox.scenario", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.timeout = timeout
        self.logger = logger
    }

    /// Starts the broken topology, probes it and explains; then the fixed one, and probes it again.
    /// `progress` hears each stage as it happens (the CLI prints them).
    public func run(
        _ entry: CatalogEntry,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> ScenarioReport {
        let started = Date()
        let topologies = try entry.topologies()
        var failures: [String] = []
        progress("broken: \(entry.title)\n  \(entry.probe)")
        let (symptom, explanation) = try await self.probe(
            entry.probe,
            topologies.broken,
            base: topologies.baseDirectory,
            explain: true
        )
        progress("  the customer sees: \(symptom.text)")
        progress(
            "  the sandbox explains:\n" + explanation.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
        )
        if let mismatch = entry.symptom.mismatch(symptom) {
            failures.append("symptom: expected \(entry.symptom), but \(mismatch): \(symptom.text)")
        }
        for phrase in entry.explanation where !explanation.contains(phrase) {
            failures.append("explanation: no '\(phrase)' in:\n\(explanation)")
        }
        progress("fix: \(entry.fixText)")
        let (fixed, _) = try await self.probe(
            entry.fixedProbe ?? entry.probe,
            topologies.fixed,
            base: topologies.baseDirectory,
            explain: false
        )
        progress("  then: \(fixed.succeeded ? "works" : "still fails"): \(fixed.text.prefix(300))")
        if !fixed.succeeded { failures.append("fix: the probe still fails: \(fixed.text)") }
        return ScenarioReport(
            id: entry.id,
            symptom: symptom,
            explanation: explanation,
            fixed: fixed,
            failures: failures,
            seconds: Date().timeIntervalSince(started)
        )
    }

    private func probe(
        _ probe: Probe,
        _ topology: Topology,
        base: URL,
        explain: Bool
    ) async throws -> (Observation, String) {
        let sandbox = try await Sandbox.start(topology, baseDirectory: base, logger: self.logger)
        let observation = await probe.run(in: sandbox, timeout: self.timeout)
        let explanation = explain ? await sandbox.explanationWithTargetHealth() : ""
        await sandbox.shutdown()
        return (observation, explanation)
    }
}

extension Sandbox {
    /// `explanation()` and every proxy's target health as the proxy checks it now.
    /// The servers' side of a failure can land a moment after the client gave up (a TLS handshake broken off): the
    /// health checks run first, then a short wait, then the logs are read.
    public func explanationWithTargetHealth() async -> String {
        var health: [String] = []
        for name in self.endpoints.proxies?.keys.sorted() ?? [] {
            guard let found = await self.proxy(name)?.checkTargetHealth() else { continue }
            health.append("proxy \(name) target health: " + found.text)
        }
        try? await Task.sleep(for: .milliseconds(100))
        return ([self.explanation(last: 10)] + health).joined(separator: "\n")
    }
}

extension ScenarioRunner {
    /// Runs `entries`, at most `parallel` at once; the reports in the entries' order.
    public func runAll(_ entries: [CatalogEntry], parallel: Int) async throws -> [ScenarioReport] {
        try await withThrowingTaskGroup(of: (Int, ScenarioReport).self) { group in
            var reports = [ScenarioReport?](repeating: nil, count: entries.count)
            var next = 0
            func startNext() {
                guard next < entries.count else { return }
                let index = next
                let entry = entries[index]
                next += 1
                group.addTask { (index, try await self.run(entry)) }
            }
            for _ in 0..<max(1, parallel) { startNext() }
            while let (index, report) = try await group.next() {
                reports[index] = report
                startNext()
            }
            return reports.compactMap { $0 }
        }
    }
}
