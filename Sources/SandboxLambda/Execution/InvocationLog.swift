import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore

/// The log lines of one invocation (START, what the code printed or logged, END, REPORT): LogType Tail returns
/// its last 4 KB, `sandbox logs` the latest invocations'; the sandbox's log gets every line with the function's name
/// at debug (per-request lines stay out of a console at info).
final class InvocationLog: Sendable {
    private let entries = NIOLockedValueBox<[String]>([])
    let function: String
    let requestID: String
    private let logger: Logger

    init(function: String, requestID: String, logger: Logger) {
        self.function = function
        self.requestID = requestID
        self.logger = logger
    }

    func append(_ line: String) {
        self.entries.withLockedValue { $0.append(line) }
        self.logger.debug(
            "\(line)",
            metadata: ["lambda.function": "\(self.function)", "lambda.request_id": "\(self.requestID)"]
        )
    }

    /// Its lines so far, oldest first.
    var lines: [String] { self.entries.withLockedValue { $0 } }

    var text: String { self.lines.map { $0 + "\n" }.joined() }

    /// The last 4 KB, base64, as `X-Amz-Log-Result` carries it.
    var tail: String { Data(Array(self.text.utf8).suffix(4096)).base64EncodedString() }
}

/// A swift-log handler writing into an invocation's log: what `context.logger` prints.
struct InvocationLogHandler: LogHandler {
    let log: InvocationLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        let stamp = LambdaTimestamp.string(from: Date())
        let extra = (metadata ?? [:]).merging(self.metadata) { first, _ in first }
        let suffix =
            extra.isEmpty
            ? "" : " " + extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        self.log.append("\(stamp)\t\(self.log.requestID)\t\(level.rawValue.uppercased())\t\(message)\(suffix)")
    }
}

/// `2026-12-01T08:40:15.123Z`, as Lambda stamps log lines (gmtime_r: safe from any thread, unlike a shared formatter).
enum LambdaTimestamp {
    static func string(from date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        let pad = TextFormat.padded
        let (hour, minute, second) = (pad(Int(parts.tm_hour), 2), pad(Int(parts.tm_min), 2), pad(Int(parts.tm_sec), 2))
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(hour):\(minute):\(second).\(pad(millis, 3))Z"
    }
}
