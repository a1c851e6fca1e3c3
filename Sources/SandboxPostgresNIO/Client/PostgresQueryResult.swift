import SandboxPostgresWire

/// What an exchange answered, as a client reads it: the last statement's columns, rows (in the formats asked for;
/// text by default) and command tag, or the first error.
public struct PostgresQueryResult: Sendable, Equatable {
    public var columns: [BackendMessage.Column] = []
    public var rows: [[[UInt8]?]] = []
    public var tag: String?
    public var error: PostgresError?

    public init(_ answer: [BackendMessage]) {
        for message in answer {
            switch message {
            case let .rowDescription(columns): (self.columns, self.rows) = (columns, [])
            case let .dataRow(fields): self.rows.append(fields)
            case let .commandComplete(tag): self.tag = tag
            case let .error(error) where self.error == nil: self.error = error
            default: break
            }
        }
    }

    /// The rows the command changed (INSERT, UPDATE, DELETE and MERGE tags); 0 for others.
    public var affectedRows: Int64 {
        guard let words = self.tag?.split(separator: " "), let verb = words.first,
            ["INSERT", "UPDATE", "DELETE", "MERGE"].contains(verb)
        else { return 0 }
        return Int64(words.last ?? "") ?? 0
    }

    /// Each row's fields as text (nil: NULL).
    public var textRows: [[String?]] { self.rows.map { $0.map { $0.map { String(decoding: $0, as: UTF8.self) } } } }
}

extension PostgresClientConnection {
    /// A simple query's result (its last statement's, or the first error).
    public func run(_ sql: String) async throws -> PostgresQueryResult {
        PostgresQueryResult(try await self.query(sql))
    }
}
