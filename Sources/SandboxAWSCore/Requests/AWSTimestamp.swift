import Foundation

/// Timestamps as AWS writes them, ISO 8601 in UTC: `2026-12-07T07:15:02.123Z` in responses, whole seconds where IAM
/// reads a time (`aws:CurrentTime`). The formats are built once.
public enum AWSTimestamp {
    private static let milliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let seconds = Date.ISO8601FormatStyle()

    public static func string(_ date: Date, fractionalSeconds: Bool = true) -> String {
        date.formatted(fractionalSeconds ? Self.milliseconds : Self.seconds)
    }
}
