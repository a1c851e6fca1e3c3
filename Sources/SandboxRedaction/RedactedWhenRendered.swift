/// A value that holds a secret (a password, a secret access key, a session token, a secret's value). It renders with
/// those fields as `<redacted>` wherever it is turned into text: string interpolation, `print`, `dump`,
/// `String(reflecting:)`, a logger's metadata, an XCTest failure. So a secret is kept out of logs and error texts by
/// its type, not by scanning text afterwards.
public protocol RedactedWhenRendered: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The fields that may be shown, in order, with each secret as `Redacted()`.
    var renderedFields: KeyValuePairs<String, Any> { get }
}

extension RedactedWhenRendered {
    public var customMirror: Mirror { Mirror(self, children: self.renderedFields, displayStyle: .struct) }

    /// `Name(field: value, secret: <redacted>)`, as Swift prints a struct.
    public var description: String {
        "\(Self.self)("
            + self.renderedFields.map { "\($0.key): \(String(reflecting: $0.value))" }.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { self.description }
}

/// What a secret renders as.
public struct Redacted: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `<redacted>`: the text that stands for every secret in logs, errors and the audit log.
    public static let text = "<redacted>"

    public init() {}

    /// `Redacted()` for a value that is there, nil for one that is not (an optional session token).
    public init?(_ value: (some Any)?) {
        guard value != nil else { return nil }
    }

    public var description: String { Self.text }
    public var debugDescription: String { Self.text }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
