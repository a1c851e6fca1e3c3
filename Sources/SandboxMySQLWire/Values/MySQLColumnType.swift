/// MySQL column types as carried in column definitions and the binary protocol.
public enum MySQLColumnType: UInt8, Sendable {
    case decimal = 0x00, tiny = 0x01, short = 0x02, long = 0x03, float = 0x04, double = 0x05, null = 0x06
    case timestamp = 0x07, longlong = 0x08, int24 = 0x09, date = 0x0A, time = 0x0B, datetime = 0x0C
    case year = 0x0D, varchar = 0x0F, bit = 0x10, json = 0xF5, newdecimal = 0xF6, enumType = 0xF7
    case set = 0xF8, tinyBlob = 0xF9, mediumBlob = 0xFA, longBlob = 0xFB, blob = 0xFC, varString = 0xFD
    case string = 0xFE, geometry = 0xFF
}

/// Column definition flags.
public struct ColumnFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let notNull = Self(rawValue: 1)
    public static let primaryKey = Self(rawValue: 2)
    public static let unsigned = Self(rawValue: 32)
    public static let binary = Self(rawValue: 128)
    public static let autoIncrement = Self(rawValue: 512)
}
