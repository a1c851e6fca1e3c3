import Logging

/// The metadata that marks a log message as a decision, which `AuditLogHandler` records: components log their
/// decisions once, `logger.info("login refused", metadata: fields.adding(decision: .login, subject: user, outcome: "refused", reason: why))`.
extension Logger.Metadata {
    public func adding(decision kind: AuditEvent.Kind, subject: String, outcome: String, reason: String = "") -> Logger.Metadata {
        self.merging([AuditKey.kind: "\(kind.rawValue)", AuditKey.subject: "\(subject)", AuditKey.outcome: "\(outcome)", AuditKey.reason: "\(reason)"]) { $1 }
    }
}

/// The keys of a decision's metadata.
enum AuditKey {
    static let kind = "audit", subject = "audit.subject", outcome = "audit.outcome", reason = "audit.reason"
    /// The keys that make the event itself rather than its details.
    static let decision: Set = [kind, subject, outcome, reason]
}
