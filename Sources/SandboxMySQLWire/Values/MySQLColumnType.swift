/// MySQL column types as carried in column definitions and the binary protocol.
public enum MySQLColumnType: UInt8, Sendable {
    case decimal = 0x00
    case tiny = 0x01
    case short = 0x02
    case long = 0x03
    case float = 0x04
    case double = 0x05
    case null = 0x06
    case timestamp = 0x07
    case longlong = 0x08
    case int24 = 0x09
    case date = 0x0A
    case time = 0x0B
    case datetime = 0x0C
    case year = 0x0D
    case varchar = 0x0F
    case bit = 0x10
    case json = 0xF5
    case newdecimal = 0xF6
    case enumType = 0xF7
    case set = 0xF8
    case tinyBlob = 0xF9
    case mediumBlob = 0xFA
    case longBlob = 0xFB
    case blob = 0xFC
    case varString = 0xFD
    case string = 0xFE
    case geometry = 0xFF
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
