import Logging

/// A sandbox's log handler: the console's handler (whatever the sandbox was given), and the audit log that
/// `Logger.decide` records decisions into directly. Its level is the console's, so a message the console would
/// not show (per-request lines at debug) costs a level check and nothing more, while every decision is recorded.
/// A message marked as a decision in its metadata (`adding(decision:)`) is recorded as well. Metadata set on the
/// logger (a request id per request) is kept here and handed to the console only with a message it logs: a console
/// handler may render its metadata on every change (swift-log's `StreamLogHandler` does), which per request is the
/// dearest part of logging nothing.
public struct SandboxLogHandler: LogHandler {
    public var console: any LogHandler
    public let audit: AuditLog
    public var metadata: Logger.Metadata = [:]

    public init(console: any LogHandler, audit: AuditLog) {
        self.console = console
        self.audit = audit
    }

    public var logLevel: Logger.Level {
        get { self.console.logLevel }
        set { self.console.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !self.metadata.isEmpty { event.metadata = self.metadata.merging(event.metadata ?? [:]) { $1 } }
        self.console.log(event: event)
        var recorder = AuditLogHandler(self.audit)
        recorder.metadata = self.console.metadata
        recorder.log(event: event)
    }
}
