import Foundation
import SandboxJSON

/// JSON held as text: written in YAML either as a string of JSON or as YAML structure (a policy document as
/// a mapping), and handed to AWS as the JSON text.
public struct JSONText: Sendable, Codable, Equatable, ExpressibleByStringLiteral {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.text = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
            return
        }
        self.text = try container.decode(JSONValue.self).text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.text)
    }
}
