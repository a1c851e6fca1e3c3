import Logging

extension Logger {
    /// Records a decision and logs it: `logger.decide(.login, subject: user, outcome: "refused", reason: why,
    /// level: .info, "login refused", metadata: fields)`. On a sandbox's logger (`SandboxLogHandler`) the decision
    /// goes to the audit log as a typed event, and the message is formatted only when the console shows `level`;
    /// on any other logger it is logged with the decision in its metadata, for an `AuditLogHandler` to record.
    public func decide(
        _ kind: AuditEvent.Kind,
        subject: @autoclosure () -> String,
        outcome: String,
        reason: @autoclosure () -> String = "",
        level: Logger.Level = .debug,
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata = [:],
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        guard let sandbox = self.handler as? SandboxLogHandler else {
            return self.log(
                level: level,
                message(),
                metadata: metadata().adding(decision: kind, subject: subject(), outcome: outcome, reason: reason()),
                file: file,
                function: function,
                line: line
            )
        }
        let (text, fields) = (message(), metadata())
        sandbox.audit.record(
            AuditEvent(
                component: AuditEvent.component(ofModule: file.prefix { $0 != "/" }),
                kind: kind,
                subject: subject(),
                outcome: outcome,
                reason: reason(),
                details: AuditEvent.details(text, fields)
            )
        )
        if level >= self.logLevel {
            self.log(level: level, text, metadata: fields, file: file, function: function, line: line)
        }
    }
}

extension Logger.Metadata {
    /// The metadata that marks a log message as a decision, which `AuditLogHandler` records (what `Logger.decide`
    /// logs on a logger that is not a sandbox's).
    public func adding(
        decision kind: AuditEvent.Kind,
        subject: String,
        outcome: String,
        reason: String = ""
    ) -> Logger.Metadata {
        self.merging([
            AuditKey.kind: "\(kind.rawValue)", AuditKey.subject: "\(subject)", AuditKey.outcome: "\(outcome)",
            AuditKey.reason: "\(reason)",
        ]) { $1 }
    }
}

extension AuditEvent {
    /// A decision's details, however it was recorded: its message's metadata as text (the decision's own keys left
    /// out) and the message.
    static func details(_ message: Logger.Message, _ metadata: Logger.Metadata) -> [String: String] {
        var details = [String: String](minimumCapacity: metadata.count + 1)
        for (key, value) in metadata where !AuditKey.isDecision(key) {
            if case let .string(text) = value { details[key] = text } else { details[key] = value.description }
        }
        details["message"] = message.description
        return details
    }
}

/// The keys of a decision's metadata.
enum AuditKey {
    static let kind = "audit", subject = "audit.subject", outcome = "audit.outcome", reason = "audit.reason"
    /// The keys that make the event itself rather than its details.
    static let decision: Set = [kind, subject, outcome, reason]

    /// Whether `key` is one of `decision` (told by its first bytes first: details' keys are not hashed twice).
    static func isDecision(_ key: String) -> Bool { key.utf8.starts(with: kind.utf8) && Self.decision.contains(key) }
}
