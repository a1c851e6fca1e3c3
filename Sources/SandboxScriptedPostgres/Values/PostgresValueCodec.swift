import Foundation
import SandboxPostgresWire
import SandboxSQLite

/// Values between SQLite's storage classes and PostgreSQL's text and binary formats, by type OID.
enum PostgresValueCodec {
    // MARK: Results

    /// `value` as a DataRow field of `type` in `format` (0 text, 1 binary); nil for NULL.
    /// `modifier`: the column's type modifier; a numeric column's scale fixes the digits after the point.
    static func encode(_ value: SQLiteValue, as type: PostgresType, modifier: Int32 = -1, format: Int16) -> [UInt8]? {
        if case .null = value { return nil }
        var value = value
        if type == .numeric, modifier >= 4, let scaled = Self.scaled(value, scale: Int((modifier - 4) & 0xFFFF)) {
            value = .text(scaled)
        }
        if format == 1, let binary = self.binary(value, as: type) { return binary }
        return Array(self.text(value, as: type).utf8)
    }

    /// A number with exactly `scale` digits after the point, as numeric(p,s) prints it.
    private static func scaled(_ value: SQLiteValue, scale: Int) -> String? {
        switch value {
        case let .integer(v): scale == 0 ? String(v) : String(v) + "." + String(repeating: "0", count: scale)
        case let .double(v): String(format: "%.\(scale)f", v)
        case let .text(v): Double(v).map { String(format: "%.\(scale)f", $0) }
        default: nil
        }
    }

    static func text(_ value: SQLiteValue, as type: PostgresType) -> String {
        switch (value, type) {
        case (.null, _): return ""
        case let (.integer(v), .bool): return v == 0 ? "f" : "t"
        case let (.text(v), .bool): return Self.truth(v).map { $0 ? "t" : "f" } ?? v
        case let (.integer(v), _): return String(v)
        case let (.double(v), _): return Self.render(v)
        case let (.bytes(v), .bytea): return "\\x" + Hex.string(v)
        case let (.text(v), .bytea): return "\\x" + Hex.string(v.utf8)
        case let (.text(v), _): return v
        case let (.bytes(v), _): return String(decoding: v, as: UTF8.self)
        }
    }

    /// PostgreSQL's float output: the shortest text that reads back the same, `Infinity`, `NaN`.
    static func render(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func binary(_ value: SQLiteValue, as type: PostgresType) -> [UInt8]? {
        switch type {
        case .int2: return self.integer(value).map { Self.bigEndian(Int16(truncatingIfNeeded: $0)) }
        case .int4, .oid: return self.integer(value).map { Self.bigEndian(Int32(truncatingIfNeeded: $0)) }
        case .int8: return self.integer(value).map { Self.bigEndian($0) }
        case .float4: return self.double(value).map { Self.bigEndian(Float($0).bitPattern) }
        case .float8: return self.double(value).map { Self.bigEndian($0.bitPattern) }
        case .bool: return self.bool(value).map { [$0 ? 1 : 0] }
        case .bytea:
            if case let .bytes(v) = value { return v }
            if case let .text(v) = value { return Array(v.utf8) }
            return Array(self.text(value, as: .text).utf8)
        case .jsonb: return [1] + Array(self.text(value, as: .text).utf8)
        case .uuid: return PostgresTime.uuidBytes(self.text(value, as: .text))
        case .timestamptz, .timestamp:
            return PostgresTime.microseconds(self.text(value, as: .text)).map { Self.bigEndian($0) }
        case .date: return PostgresTime.days(self.text(value, as: .text)).map { Self.bigEndian($0) }
        case .numeric: return PostgresNumeric.binary(self.text(value, as: .text))
        default: return Array(self.text(value, as: .text).utf8)
        }
    }

    // MARK: Parameters

    /// A Bind parameter as the value SQLite binds: typed by `type` (from Parse or the inferred description).
    static func decode(_ bytes: [UInt8]?, as type: PostgresType, format: Int16) throws(PostgresError) -> SQLiteValue {
        guard let bytes else { return .null }
        if format == 0 {
            let text = String(decoding: bytes, as: UTF8.self)
            switch type {
            case .int2, .int4, .int8, .oid:
                guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                    throw Self.invalid(type, text)
                }
                return .integer(value)
            case .float4, .float8:
                guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw Self.invalid(type, text)
                }
                return .double(value)
            case .bool:
                guard let value = Self.truth(text) else { throw Self.invalid(type, text) }
                return .integer(value ? 1 : 0)
            case .bytea:
                guard text.hasPrefix("\\x") else { return .bytes(bytes) }
                guard let value = Hex.bytes(text.dropFirst(2)) else { throw Self.invalid(type, text) }
                return .bytes(value)
            default: return .text(text)
            }
        }
        func fixed(_ count: Int) throws(PostgresError) {
            guard bytes.count == count else {
                throw PostgresError(
                    .error,
                    "08P01",
                    "incorrect binary data format in bind parameter: \(bytes.count) bytes for \(type)"
                )
            }
        }
        switch type {
        case .int2:
            try fixed(2)
            return .integer(Int64(Int16(bitPattern: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))))
        case .int4, .oid:
            try fixed(4)
            return .integer(Int64(Int32(bitPattern: Self.unsigned(bytes))))
        case .int8:
            try fixed(8)
            return .integer(Int64(bitPattern: Self.unsigned(bytes)))
        case .float4:
            try fixed(4)
            return .double(Double(Float(bitPattern: Self.unsigned(bytes))))
        case .float8:
            try fixed(8)
            return .double(Double(bitPattern: Self.unsigned(bytes)))
        case .bool:
            try fixed(1)
            return .integer(bytes[0] == 0 ? 0 : 1)
        case .bytea: return .bytes(bytes)
        case .jsonb: return .text(String(decoding: bytes.dropFirst(), as: UTF8.self))
        case .uuid:
            try fixed(16)
            return .text(PostgresTime.uuidText(bytes))
        case .timestamptz, .timestamp:
            try fixed(8)
            return .text(
                PostgresTime.text(microseconds: Int64(bitPattern: Self.unsigned(bytes)), zone: type == .timestamptz)
            )
        case .date:
            try fixed(4)
            return .text(PostgresTime.text(days: Int32(bitPattern: Self.unsigned(bytes))))
        case .numeric:
            guard let text = PostgresNumeric.text(bytes) else { throw Self.invalid(type, "binary numeric") }
            return .text(text)
        default: return .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    private static func invalid(_ type: PostgresType, _ text: String) -> PostgresError {
        PostgresError(.error, "22P02", "invalid input syntax for type \(type): \"\(text.prefix(100))\"")
    }

    static func truth(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "t", "true", "y", "yes", "on", "1": true
        case "f", "false", "n", "no", "off", "0": false
        default: nil
        }
    }

    private static func integer(_ value: SQLiteValue) -> Int64? {
        switch value {
        case let .integer(v): v
        case let .double(v): Int64(exactly: v.rounded())
        case let .text(v): Int64(v)
        default: nil
        }
    }

    private static func double(_ value: SQLiteValue) -> Double? {
        switch value {
        case let .integer(v): Double(v)
        case let .double(v): v
        case let .text(v): Double(v)
        default: nil
        }
    }

    private static func bool(_ value: SQLiteValue) -> Bool? {
        switch value {
        case let .integer(v): v != 0
        case let .text(v): self.truth(v)
        default: nil
        }
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func unsigned(_ bytes: [UInt8]) -> UInt32 { bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    static func unsigned(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
}
