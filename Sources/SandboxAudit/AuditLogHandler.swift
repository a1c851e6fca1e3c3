import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxRedaction

/// Records into an `AuditLog` every log message marked as a decision in its metadata
/// (`Logger.Metadata.adding(decision:…)`, what `Logger.decide` logs on a logger that is not a sandbox's): for
/// components run on their own with a logger of the user's. A sandbox's own logger records decisions typed
/// (`SandboxLogHandler`).
public struct AuditLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .debug
    private let log: AuditLog

    public init(_ log: AuditLog) { self.log = log }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Most messages are not decisions: told apart before anything is merged or copied.
        guard let tag = event.metadata?[AuditKey.kind] ?? self.metadata[AuditKey.kind], case let .string(raw) = tag,
            let kind = AuditEvent.Kind(rawValue: raw)
        else { return }
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        // Redacted when the log writes it, off the request path.
        self.log.record(
            AuditEvent(
                component: AuditEvent.component(ofModule: event.source[...]),
                kind: kind,
                subject: all[AuditKey.subject].map { "\($0)" } ?? "",
                outcome: all[AuditKey.outcome].map { "\($0)" } ?? "",
                reason: all[AuditKey.reason].map { "\($0)" } ?? "",
                details: AuditEvent.details(event.message, all)
            )
        )
    }
}

/// What never reaches the audit log (or a report): values under keys that name a secret, and tokens or passwords
/// inside text.
public enum Redaction {
    static let sensitiveKeys = [
        "password", "secret_string", "secretstring", "token", "credential", "secretaccesskey", "signature",
    ]

    public static func redact(key: String, value: String) -> String {
        if self.isSensitive(key) { return Redacted.text }
        // An RDS IAM token or presigned URL inside a message: keep the host and action, drop the signature and
        // credentials. Most text has no `X-Amz-` at all, told on its bytes before any pattern runs.
        guard Self.contains(value, "X-Amz-"),
            value.contains("X-Amz-Signature=") || value.contains("X-Amz-Security-Token=")
                || value.contains("X-Amz-Credential=")
        else { return value }
        return value.replacingOccurrences(
            of: #"X-Amz-(Signature|Security-Token|Credential)=[^&\s"]*"#,
            with: "X-Amz-$1=\(Redacted.text)",
            options: .regularExpression
        )
    }
}

extension Redaction {
    /// Keys seen so far and whether they name a secret: the same few keys come with every decision.
    private static let keys = NIOLockedValueBox<[String: Bool]>([:])

    static func isSensitive(_ key: String) -> Bool {
        if let known = Self.keys.withLockedValue({ $0[key] }) { return known }
        let lower = key.lowercased()
        let sensitive = Self.sensitiveKeys.contains { lower.contains($0) }
        Self.keys.withLockedValue { keys in
            if keys.count >= 1_024 { keys.removeAll(keepingCapacity: true) }
            keys[key] = sensitive
        }
        return sensitive
    }

    /// Whether `text`'s UTF-8 bytes contain `needle`'s.
    static func contains(_ text: String, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= pattern.count, let first = pattern.first else { return pattern.isEmpty }
            var start = 0
            while start <= bytes.count - pattern.count {
                if bytes[start] == first, (1..<pattern.count).allSatisfy({ bytes[start + $0] == pattern[$0] }) {
                    return true
                }
                start += 1
            }
            return false
        }
    }

    /// `text` with each of `secrets` (at least 4 characters) and every token signature or credential replaced.
    public static func redact(_ text: String, secrets: [String]) -> String {
        secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }.reduce(Self.redact(key: "text", value: text)) {
            text,
            secret in
            text.replacingOccurrences(of: secret, with: Redacted.text)
        }
    }
}
