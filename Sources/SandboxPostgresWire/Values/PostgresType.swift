import Foundation

/// The built-in types a RowDescription or ParameterDescription names, by OID (`pg_type.oid`), with their sizes.
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let bool = PostgresType(rawValue: 16)
    public static let bytea = PostgresType(rawValue: 17)
    public static let name = PostgresType(rawValue: 19)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int2 = PostgresType(rawValue: 21)
    public static let int4 = PostgresType(rawValue: 23)
    public static let text = PostgresType(rawValue: 25)
    public static let oid = PostgresType(rawValue: 26)
    public static let json = PostgresType(rawValue: 114)
    public static let float4 = PostgresType(rawValue: 700)
    public static let float8 = PostgresType(rawValue: 701)
    /// A parameter whose type the client leaves to the server.
    public static let unknown = PostgresType(rawValue: 705)
    public static let bpchar = PostgresType(rawValue: 1042)
    public static let varchar = PostgresType(rawValue: 1043)
    public static let date = PostgresType(rawValue: 1082)
    public static let time = PostgresType(rawValue: 1083)
    public static let timestamp = PostgresType(rawValue: 1114)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let numeric = PostgresType(rawValue: 1700)
    public static let uuid = PostgresType(rawValue: 2950)
    public static let jsonb = PostgresType(rawValue: 3802)

    /// `typlen`: the fixed size in bytes, or -1 for variable-length types.
    public var size: Int16 {
        switch self {
        case .bool: 1
        case .int2: 2
        case .int4, .oid, .float4, .date: 4
        case .int8, .float8, .time, .timestamp, .timestamptz: 8
        case .uuid: 16
        case .name: 64
        default: -1
        }
    }

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .bytea: "bytea"
        case .name: "name"
        case .int8: "bigint"
        case .int2: "smallint"
        case .int4: "integer"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "real"
        case .float8: "double precision"
        case .unknown: "unknown"
        case .bpchar: "character"
        case .varchar: "character varying"
        case .date: "date"
        case .time: "time without time zone"
        case .timestamp: "timestamp without time zone"
        case .timestamptz: "timestamp with time zone"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        default: "oid \(self.rawValue)"
        }
    }

    /// The type a column declared as `declared` has (`SERIAL`, `varchar(80)`, `TIMESTAMPTZ`, `double precision`), or
    /// nil when the name is not one of these.
    public init?(declared: String) {
        let base =
            declared.lowercased().split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch base {
        case "bool", "boolean": self = .bool
        case "bytea", "blob": self = .bytea
        case "name": self = .name
        case "bigint", "int8", "bigserial", "serial8": self = .int8
        case "smallint", "int2", "smallserial", "serial2": self = .int2
        case "integer", "int", "int4", "serial", "serial4": self = .int4
        case "text", "clob": self = .text
        case "oid": self = .oid
        case "json": self = .json
        case "jsonb": self = .jsonb
        case "real", "float4": self = .float4
        case "double precision", "float8", "float", "double": self = .float8
        case "char", "character", "bpchar": self = .bpchar
        case "varchar", "character varying": self = .varchar
        case "date": self = .date
        case "time", "time without time zone": self = .time
        case "timestamp", "timestamp without time zone", "datetime": self = .timestamp
        case "timestamptz", "timestamp with time zone": self = .timestamptz
        case "numeric", "decimal": self = .numeric
        case "uuid": self = .uuid
        default: return nil
        }
    }
}
