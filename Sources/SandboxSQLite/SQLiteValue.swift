/// A value as SQLite stores it: the five storage classes.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])
}

/// A server's own value type, bound to and read from SQLite through `SQLiteValue`.
public protocol SQLiteValueConvertible {
    init(sqlite value: SQLiteValue)
    var sqliteValue: SQLiteValue { get }
}

extension SQLiteValue: SQLiteValueConvertible {
    public init(sqlite value: SQLiteValue) { self = value }
    public var sqliteValue: SQLiteValue { self }
}
