import NIOConcurrencyHelpers
import SandboxMariaDBClient
import SandboxRedaction

/// Writes a workload's rows with libmariadb as an application does: a connection per client, opened to wherever
/// `address()` says at that moment (a DNS lookup of an endpoint), dropped after any error so the next attempt
/// connects again. Errors are named `MySQL <code>`.
public struct MySQLRowWriter: Sendable {
    public typealias Failure = WriteFailure

    public var port: Int
    public var user: String
    public var password: String
    public var database: String
    /// A table with `client INT, seq INT` columns.
    public var table: String
    public var address: @Sendable () -> String?
    private let connections = NIOLockedValueBox<[Int: MariaDBConnection]>([:])

    public init(
        port: Int,
        user: String,
        password: String,
        database: String,
        table: String,
        address: @escaping @Sendable () -> String?
    ) {
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.table = table
        self.address = address
    }

    /// Inserts `row`, connecting first if this client has no connection.
    public func write(_ row: RowID) async throws {
        try await MariaDB.offload {
            do {
                var connection = self.connections.withLockedValue { $0[row.client] }
                if connection == nil {
                    guard let host = self.address() else { throw Failure(description: "no address") }
                    connection = try MariaDBConnection(
                        .init(
                            host: host,
                            port: self.port,
                            user: self.user,
                            password: self.password,
                            database: self.database,
                            connectTimeout: 2,
                            readTimeout: 15
                        )
                    )
                    self.connections.withLockedValue { $0[row.client] = connection }
                }
                _ = try connection!.query("INSERT INTO \(self.table) (client, seq) VALUES (\(row.client), \(row.seq))")
            } catch let error as MariaDBError {
                self.connections.withLockedValue { $0[row.client] = nil }
                throw Failure(description: "MySQL \(error.code)")
            }
        }
    }

    /// Every row the table holds, read from `host`.
    public func stored(host: String) async throws -> [RowID] {
        try await MariaDB.offload {
            let connection = try MariaDBConnection(
                .init(host: host, port: self.port, user: self.user, password: self.password, database: self.database)
            )
            return try connection.query("SELECT client, seq FROM \(self.table)").rows.compactMap { row in
                guard let client = row[0].flatMap({ Int($0) }), let seq = row[1].flatMap({ Int($0) }) else {
                    return nil
                }
                return RowID(client: client, seq: seq)
            }
        }
    }
}

extension MySQLRowWriter: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        ["port": self.port, "user": self.user, "password": Redacted(), "database": self.database, "table": self.table]
    }
}
