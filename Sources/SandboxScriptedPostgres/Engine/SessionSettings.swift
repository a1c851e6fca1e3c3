import SandboxPostgresWire

/// A session's run-time parameters (GUCs): what SET, SHOW and RESET read and change, with the defaults the server
/// starts each session with, and the ones PostgreSQL reports to the client in ParameterStatus when they change.
struct SessionSettings {
    /// Canonical names by lower-cased name.
    private static let canonical: [String: String] = Dictionary(
        [
            "application_name", "client_encoding", "DateStyle", "default_transaction_read_only", "in_hot_standby",
            "integer_datetimes",
            "IntervalStyle", "is_superuser", "server_encoding", "server_version", "session_authorization",
            "standard_conforming_strings",
            "TimeZone", "search_path", "extra_float_digits", "transaction_isolation", "default_transaction_isolation",
            "max_connections",
            "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "work_mem",
            "synchronous_commit", "client_min_messages",
            "bytea_output", "datestyle", "row_security", "jit", "transaction_read_only", "port", "ssl",
            "password_encryption",
        ].map { ($0.lowercased(), $0) },
        uniquingKeysWith: { first, _ in first }
    )

    /// Reported to the client at login and whenever they change (GUC_REPORT).
    static let reported: Set<String> = [
        "application_name", "client_encoding", "DateStyle", "default_transaction_read_only", "in_hot_standby",
        "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding", "server_version",
        "session_authorization", "standard_conforming_strings", "TimeZone",
    ]

    private let defaults: [String: String]
    private(set) var values: [String: String]

    init(
        serverVersion: String,
        user: String,
        superuser: Bool,
        maxConnections: Int,
        port: Int,
        tls: Bool,
        readOnly: Bool
    ) {
        self.defaults = [
            "application_name": "", "client_encoding": "UTF8", "DateStyle": "ISO, MDY",
            "default_transaction_read_only": readOnly ? "on" : "off",
            "in_hot_standby": readOnly ? "on" : "off", "integer_datetimes": "on", "IntervalStyle": "postgres",
            "is_superuser": superuser ? "on" : "off",
            "server_encoding": "UTF8", "server_version": serverVersion, "session_authorization": user,
            "standard_conforming_strings": "on",
            "TimeZone": "UTC", "search_path": "\"$user\", public", "extra_float_digits": "1",
            "transaction_isolation": "read committed",
            "default_transaction_isolation": "read committed", "max_connections": String(maxConnections),
            "statement_timeout": "0",
            "lock_timeout": "0", "idle_in_transaction_session_timeout": "0", "work_mem": "4MB",
            "synchronous_commit": "on",
            "client_min_messages": "notice", "bytea_output": "hex", "row_security": "on", "jit": "off",
            "transaction_read_only": readOnly ? "on" : "off",
            "port": String(port), "ssl": tls ? "on" : "off", "password_encryption": "scram-sha-256",
        ]
        self.values = self.defaults
    }

    static func name(_ raw: String) -> String? { self.canonical[raw.lowercased()] }

    subscript(name: String) -> String? { Self.name(name).flatMap { self.values[$0] } }

    /// Sets `name`; returns the ParameterStatus to report when PostgreSQL reports it.
    mutating func set(_ name: String, _ value: String) throws(PostgresError) -> (String, String)? {
        guard let canonical = Self.name(name) else { throw Self.unrecognized(name) }
        guard
            ![
                "server_version", "server_encoding", "integer_datetimes", "is_superuser", "max_connections", "port",
                "ssl", "in_hot_standby",
            ].contains(canonical)
        else {
            throw PostgresError(.error, "55P02", "parameter \"\(canonical)\" cannot be changed now")
        }
        self.values[canonical] = value
        return Self.reported.contains(canonical) ? (canonical, value) : nil
    }

    mutating func reset(_ name: String) throws(PostgresError) -> (String, String)? {
        guard let canonical = Self.name(name) else { throw Self.unrecognized(name) }
        self.values[canonical] = self.defaults[canonical]
        return Self.reported.contains(canonical) ? (canonical, self.values[canonical] ?? "") : nil
    }

    mutating func resetAll() -> [(String, String)] {
        let changed = Self.reported.sorted().filter { self.values[$0] != self.defaults[$0] }
        self.values = self.defaults
        return changed.map { ($0, self.values[$0] ?? "") }
    }

    /// The pairs reported at login, in PostgreSQL's order.
    var reportedAtLogin: [(String, String)] { Self.reported.sorted().map { ($0, self.values[$0] ?? "") } }

    var all: [(String, String)] {
        self.values.sorted { $0.key.lowercased() < $1.key.lowercased() }.map { ($0.key, $0.value) }
    }

    static func unrecognized(_ name: String) -> PostgresError {
        PostgresError(.error, "42704", "unrecognized configuration parameter \"\(name)\"")
    }
}
