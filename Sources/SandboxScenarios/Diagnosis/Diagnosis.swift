import CloudSandbox
import Foundation
import Logging
import SandboxTemplateImport

/// `sandbox diagnose`: checks a topology for each catalog condition it can decide (the model, and the running
/// sandbox's analysis: reachability, IAM evaluation, the proxies' secrets) and tries every path live (each route
/// called, each other function invoked, each proxy's target health), then reads what the proxies decided during
/// the tries, reporting findings with the catalog's ids, evidence and fixes.
public struct Diagnosis: Sendable {
    /// Titles and fixes come from here; entries whose mistake sits in a client's code are listed as not checked.
    public var catalog: Catalog
    public var logger: Logger

    public init(
        catalog: Catalog,
        logger: Logger = Logger(label: "cloudsandbox.diagnose", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.catalog = catalog
        self.logger = logger
    }

    /// Denied connections are reset rather than dropped, so a blocked path fails at once instead of when its
    /// client times out; the analysis says why either way.
    public func run(_ topology: Topology, baseDirectory: URL) async throws -> DiagnosisReport {
        try await self.run(topology, baseDirectory: baseDirectory, origin: nil)
    }

    /// Diagnoses what `TopologySource.load` loaded (a topology, a template, Terraform JSON): besides the checks, each
    /// reference the template makes to something it does not define is a finding, and a function's findings name
    /// its resource and file.
    public func run(_ loaded: TopologySource.Loaded) async throws -> DiagnosisReport {
        let origin = DiagnosisChecks.Origin(file: loaded.file, functions: loaded.functionSources)
        var report = try await self.run(loaded.topology, baseDirectory: loaded.baseDirectory, origin: origin)
        report.findings =
            loaded.warnings.filter(\.breaksAPath).map { warning in
                Finding(
                    id: "template-broken-reference",
                    title: "The template refers to something it does not define",
                    subject: "\(warning.resource) (\(warning.type)) in \(loaded.file)",
                    evidence: [warning.message],
                    fix: "Define what it names in the stack (or state), or correct the reference."
                )
            } + report.findings
        return report
    }

    private func run(
        _ topology: Topology,
        baseDirectory: URL,
        origin: DiagnosisChecks.Origin?
    ) async throws -> DiagnosisReport {
        var topology = topology
        topology.network?.deniedConnections = .reset
        let sandbox = try await Sandbox.start(topology, baseDirectory: baseDirectory, logger: self.logger)
        var checks = DiagnosisChecks(
            topology: topology,
            baseDirectory: baseDirectory,
            sandbox: sandbox,
            catalog: self.catalog
        )
        checks.origin = origin
        let paths = await checks.tryPaths()
        checks.checkNetwork()
        checks.checkAWSAccess()
        checks.checkIAM()
        checks.checkInstanceIAM()
        checks.checkLogins()
        checks.checkProxySecrets()
        checks.checkAPIs()
        checks.checkObservedRefusals()
        checks.explainRemaining(paths)
        let audit = sandbox.audit.events(AuditQuery(limit: 5_000)).filter {
            ["refused", "denied"].contains($0.outcome)
        }.suffix(60)
            .map { "\($0.kind.rawValue) \($0.subject) \($0.outcome): \($0.reason)" }
        let secrets = sandbox.account.secretStrings + topology.instances.flatMap { $0.users.map(\.password) }
        await sandbox.shutdown()
        let notChecked = self.catalog.entries.compactMap { entry in entry.undiagnosable.map { "\(entry.id): \($0)" } }
        // What a function printed or a client was told goes into a report others read: no secret value survives.
        return DiagnosisReport(findings: checks.findings, paths: paths, notChecked: notChecked, audit: Array(audit))
            .redacting(secrets)
    }
}

/// The checks of one diagnosis, each adding findings under a catalog id.
struct DiagnosisChecks {
    let topology: Topology
    /// The folder the topology's relative paths (functions' code) start from.
    let baseDirectory: URL
    let sandbox: Sandbox
    let catalog: Catalog
    var findings: [Finding] = []
    var failedFunctions: [String: String] = [:]
    /// Each proxy's target health as `tryPaths` found it.
    var targetHealth: [String: Observation] = [:]
    /// The file the topology came from and each function's resource in it (imports), for naming where a fault is.
    var origin: Origin?

    struct Origin {
        var file: String
        var functions: [String: String]
    }

    init(topology: Topology, baseDirectory: URL, sandbox: Sandbox, catalog: Catalog) {
        self.topology = topology
        self.baseDirectory = baseDirectory
        self.sandbox = sandbox
        self.catalog = catalog
    }

    mutating func add(_ id: String, _ subject: String, _ evidence: [String]) {
        let entry = self.catalog.entry(id)
        var evidence = evidence
        for path in self.failedPaths(of: subject) { evidence.append("tried: \(path)") }
        self.findings.append(
            Finding(
                id: id,
                title: entry?.title ?? id,
                subject: subject,
                evidence: evidence,
                fix: entry?.fixText ?? "see the evidence"
            )
        )
    }

    private func failedPaths(of subject: String) -> [String] {
        self.failedFunctions.filter {
            subject.contains("function \($0.key) ") || subject.hasSuffix("function \($0.key)")
        }.map { "\($0.key) failed: \($0.value.prefix(300))" }
    }
}
