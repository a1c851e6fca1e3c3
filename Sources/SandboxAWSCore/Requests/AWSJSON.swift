import Foundation

/// JSON-protocol bodies as Codable values: requests decoded (a member of the wrong type is a SerializationException
/// that names it), answers encoded with keys sorted, dates as epoch seconds and binary as base64, as AWS writes them.
package enum AWSJSON {
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(AWSError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(T.self, from: body.isEmpty ? Data("{}".utf8) : Data(body))
        } catch let error as DecodingError {
            throw AWSError(.serializationException, Self.describe(error))
        } catch {
            throw AWSError(.serializationException, "The request body is not a JSON object.")
        }
    }

    package static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    private static func describe(_ error: DecodingError) -> String {
        let (context, expected): (DecodingError.Context, String?) =
            switch error {
            case let .typeMismatch(type, context): (context, "\(type)")
            case let .valueNotFound(type, context): (context, "\(type)")
            case let .keyNotFound(_, context), let .dataCorrupted(context): (context, nil)
            @unknown default: (DecodingError.Context(codingPath: [], debugDescription: ""), nil)
            }
        let path = String(
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().dropFirst()
        )
        guard !path.isEmpty else { return "The request body is not a JSON object." }
        if let expected {
            return "\(path) must be a \(expected.replacingOccurrences(of: "Swift.", with: "")); fix the request's JSON."
        }
        return "\(path) is not valid: \(context.debugDescription)"
    }
}

/// A JSON-protocol answer with no members (`{}`).
struct EmptyAnswer: Encodable, Sendable {}
