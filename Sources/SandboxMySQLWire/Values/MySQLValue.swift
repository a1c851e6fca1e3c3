/// One value in a row or a statement parameter.
public enum MySQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case unsignedInteger(UInt64)
    case double(Double)
    case text(String)
    case bytes([UInt8])

    /// The value as the text protocol renders it; `nil` for NULL.
    public var textValue: String? {
        switch self {
        case .null: nil
        case let .integer(value): String(value)
        case let .unsignedInteger(value): String(value)
        case let .double(value): Self.render(value)
        case let .text(value): value
        case let .bytes(value): String(decoding: value, as: UTF8.self)
        }
    }

    /// The value's bytes as the text protocol carries them (exact for `.bytes`); `nil` for NULL.
    public var bytesValue: [UInt8]? {
        if case let .bytes(bytes) = self { return bytes }
        return self.textValue.map { Array($0.utf8) }
    }

    public var description: String { self.textValue ?? "NULL" }

    /// Doubles print like MySQL prints them: integral values without a fraction.
    static func render(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
