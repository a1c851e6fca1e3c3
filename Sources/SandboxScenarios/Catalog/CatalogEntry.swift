import Foundation

/// One way this stack breaks, as `Sandbox/misconfigurations/<id>.yaml` writes it: a base topology, the change
/// that breaks it, what the customer then sees, what the sandbox explains, and the change that fixes it.
public struct CatalogEntry: Sendable, Equatable {
    public var id: String
    public var title: String
    /// What the customer sees, in their words (the error text, the status).
    public var customerSees: String
    /// The base topology file (absolute once loaded).
    public var base: String
    /// Applied to the base: the misconfiguration.
    public var breaks: [TopologyEdit]
    /// What the customer does that fails.
    public var probe: Probe
    /// How the probe fails on the broken topology.
    public var symptom: Symptom
    /// Phrases the sandbox's explanation of the failure contains (the cause, named).
    public var explanation: [String]
    /// Applied to the broken topology: the path then works.
    public var fixes: [TopologyEdit]
    /// What the customer does instead, when the fix is on the client's side (a token signed for the right host).
    public var fixedProbe: Probe?
    /// The fix in words.
    public var fixText: String
    /// Why `sandbox diagnose` cannot find this from a topology (the mistake is in a client's code or its load);
    /// nil when it can.
    public var undiagnosable: String?
    /// The misconfiguration as it lives in a customer's template: edits of a healthy SAM template (nil: it cannot
    /// live in one, or has no form yet).
    public var templateForm: TemplateForm?
    /// Why no template can hold the misconfiguration (it lives in the database's own SQL); nil when one can.
    public var noTemplateForm: String?
    /// The catalog file.
    public var file: String

    /// A healthy template and the edits that break it as the entry says.
    public struct TemplateForm: Sendable, Equatable {
        /// The template file (absolute once loaded).
        public var base: String
        public var breaks: [TopologyEdit]
    }

    public init(
        id: String,
        title: String,
        customerSees: String,
        base: String,
        breaks: [TopologyEdit],
        probe: Probe,
        symptom: Symptom,
        explanation: [String],
        fixes: [TopologyEdit],
        fixedProbe: Probe? = nil,
        fixText: String,
        undiagnosable: String? = nil,
        templateForm: TemplateForm? = nil,
        noTemplateForm: String? = nil,
        file: String
    ) {
        self.templateForm = templateForm
        self.noTemplateForm = noTemplateForm
        self.id = id
        self.title = title
        self.customerSees = customerSees
        self.base = base
        self.breaks = breaks
        self.probe = probe
        self.symptom = symptom
        self.explanation = explanation
        self.fixes = fixes
        self.fixedProbe = fixedProbe
        self.fixText = fixText
        self.undiagnosable = undiagnosable
        self.file = file
    }
}

/// How a probe fails: every field given must hold.
public struct Symptom: Sendable, Equatable, CustomStringConvertible {
    /// The MySQL error number a client gets (1045, 2013, 9501).
    public var mysqlError: UInt32?
    /// The HTTP status of a route (502, 503).
    public var httpStatus: Int?
    /// Target health (UNAVAILABLE) and its reason (AUTH_FAILURE).
    public var targetState: String?
    public var targetReason: String?
    /// Phrases of the text the customer sees.
    public var contains: [String]

    public init(
        mysqlError: UInt32? = nil,
        httpStatus: Int? = nil,
        targetState: String? = nil,
        targetReason: String? = nil,
        contains: [String] = []
    ) {
        self.mysqlError = mysqlError
        self.httpStatus = httpStatus
        self.targetState = targetState
        self.targetReason = targetReason
        self.contains = contains
    }

    /// What in `observation` differs from this symptom (nil: it is this symptom).
    public func mismatch(_ observation: Observation) -> String? {
        var differences: [String] = []
        if observation.succeeded { differences.append("the probe succeeded") }
        if let code = self.mysqlError, observation.mysqlError != code {
            differences.append("MySQL error \(observation.mysqlError.map(String.init) ?? "none"), not \(code)")
        }
        if let status = self.httpStatus, observation.httpStatus != status {
            differences.append("HTTP \(observation.httpStatus.map(String.init) ?? "none"), not \(status)")
        }
        if let state = self.targetState, observation.targetState != state {
            differences.append("target \(observation.targetState ?? "none"), not \(state)")
        }
        if let reason = self.targetReason, observation.targetReason != reason {
            differences.append("reason \(observation.targetReason ?? "none"), not \(reason)")
        }
        for phrase in self.contains where !observation.text.contains(phrase) { differences.append("no '\(phrase)'") }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    public var description: String {
        var parts: [String] = []
        if let code = self.mysqlError { parts.append("MySQL error \(code)") }
        if let status = self.httpStatus { parts.append("HTTP \(status)") }
        if let state = self.targetState {
            parts.append("target \(state)" + (self.targetReason.map { " (\($0))" } ?? ""))
        }
        parts += self.contains.map { "'\($0)'" }
        return parts.joined(separator: ", ")
    }
}
