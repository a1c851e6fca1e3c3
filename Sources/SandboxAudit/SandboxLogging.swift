import Foundation
import Logging

/// How the sandbox and its components log when whoever starts them gives no logger (tests, `withSandbox`, a user's
/// package): through the process's logging system at `SANDBOX_LOG_LEVEL` (trace … critical), warning when unset,
/// so a suite's output shows only what went wrong. Decisions reach the audit log at any level; `sandbox up` logs
/// at info.
public enum SandboxLogging {
    public static let levelVariable = "SANDBOX_LOG_LEVEL"

    public static func defaultLogger(
        label: String = "cloudsandbox",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = self.level(environment: environment)
        return logger
    }

    /// `SANDBOX_LOG_LEVEL` read as a level; warning when unset or not a level.
    static func level(environment: [String: String]) -> Logger.Level {
        environment[self.levelVariable].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .warning
    }
}
