import SandboxMySQLWire
import SandboxSQLite

/// The scripted MySQL backend's SQLite connections read and bind `MySQLValue`s.
typealias SQLiteConnection = SandboxSQLite.SQLiteConnection<MySQLValue>

extension MySQLValue: SQLiteValueConvertible {
    public init(sqlite value: SQLiteValue) {
        switch value {
        case .null: self = .null
        case let .integer(v): self = .integer(v)
        case let .double(v): self = .double(v)
        case let .text(v): self = .text(v)
        case let .bytes(v): self = .bytes(v)
        }
    }

    public var sqliteValue: SQLiteValue {
        switch self {
        case .null: .null
        case let .integer(v): .integer(v)
        case let .unsignedInteger(v): .integer(Int64(bitPattern: v))
        case let .double(v): .double(v)
        case let .text(v): .text(v)
        case let .bytes(v): .bytes(v)
        }
    }
}
