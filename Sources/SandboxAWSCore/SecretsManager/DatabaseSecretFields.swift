import Foundation
import SandboxRedaction

/// The credentials in a database secret's JSON, as RDS writes it (`{"username": …, "password": …, "host": …}`);
/// the other keys are not read.
public struct DatabaseSecretFields: Decodable, Sendable, Equatable {
    public var username: String?
    public var password: String?

    /// The fields of `json`; nil when it is not a JSON object, or a field is there but not a string.
    public init?(json: String) {
        guard let fields = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = fields
    }
}

extension DatabaseSecretFields: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        ["username": self.username as Any, "password": Redacted(self.password) as Any]
    }
}
