import Logging

/// A sandbox's log handler: the console's handler (whatever the sandbox was given), and the audit log that
/// `Logger.decide` records decisions into directly. Its level is the console's, so a message the console would
/// not show (per-request lines at debug) costs a level check and nothing more, while every decision is recorded.
/// A message marked as a decision in its metadata (`adding(decision:)`) is recorded as well.
public struct SandboxLogHandler: LogHandler {
    public var console: any LogHandler
    public let audit: AuditLog

    public init(console: any LogHandler, audit: AuditLog) {
        self.console = console
        self.audit = audit
    }

    public var logLevel: Logger.Level {
        get { self.console.logLevel }
        set { self.console.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { self.console.metadata }
        set { self.console.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.console[metadataKey: key] }
        set { self.console[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        self.console.log(event: event)
        var recorder = AuditLogHandler(self.audit)
        recorder.metadata = self.console.metadata
        recorder.log(event: event)
    }
}
