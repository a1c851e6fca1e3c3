import NIOConcurrencyHelpers
import SandboxPKI
import SandboxPostgresNIO
import SandboxPostgresWire
import SandboxRedaction

/// Writes a workload's rows over the PostgreSQL protocol as an application does: a connection per client (SCRAM or
/// MD5, TLS when `tls` is given), opened to wherever `address()` says at that moment (a DNS lookup of an endpoint),
/// dropped after any error so the next attempt connects again. Errors are named `PostgreSQL <SQLSTATE>`, or `PostgreSQL
/// connection` when the connection itself failed.
public struct PostgresRowWriter: Sendable {
    public var port: Int
    public var user: String
    public var password: String
    public var database: String
    /// A table with `client INT, seq INT` columns.
    public var table: String
    public var tls: ClientTLS?
    public var address: @Sendable () -> String?
    private let connections = NIOLockedValueBox<[Int: PostgresClientConnection]>([:])

    public init(
        port: Int,
        user: String,
        password: String,
        database: String,
        table: String,
        tls: ClientTLS? = nil,
        address: @escaping @Sendable () -> String?
    ) {
        (self.port, self.user, self.password, self.database, self.table, self.tls, self.address) = (
            port, user, password, database, table, tls, address
        )
    }

    /// Inserts `row`, connecting first if this client has no connection.
    public func write(_ row: RowID) async throws {
        let connection = try await self.connection(for: row.client)
        let answer: [BackendMessage]
        do {
            answer = try await connection.query(
                "INSERT INTO \(self.table) (client, seq) VALUES (\(row.client), \(row.seq))"
            )
        } catch {
            self.connections.withLockedValue { $0[row.client] = nil }
            throw WriteFailure(description: "PostgreSQL connection")
        }
        for case let .error(error) in answer {
            self.connections.withLockedValue { $0[row.client] = nil }
            await connection.close()
            throw WriteFailure(description: "PostgreSQL \(error.sqlState)")
        }
    }

    /// Every row the table holds, read from `host`.
    public func stored(host: String) async throws -> [RowID] {
        let connection = try await self.connect(host)
        let result: PostgresQueryResult
        do {
            result = try await connection.run("SELECT client, seq FROM \(self.table)")
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return result.textRows.compactMap { row in
            guard row.count == 2, let client = row[0].flatMap({ Int($0) }), let seq = row[1].flatMap({ Int($0) }) else {
                return nil
            }
            return RowID(client: client, seq: seq)
        }
    }

    private func connection(for client: Int) async throws -> PostgresClientConnection {
        if let open = self.connections.withLockedValue({ $0[client] }), open.isActive { return open }
        guard let host = self.address() else { throw WriteFailure(description: "no address") }
        do {
            let connection = try await self.connect(host)
            self.connections.withLockedValue { $0[client] = connection }
            return connection
        } catch let error as PostgresClientError {
            throw WriteFailure(
                description: error.serverError.map { "PostgreSQL \($0.sqlState)" } ?? "PostgreSQL connection"
            )
        } catch {
            throw WriteFailure(description: "PostgreSQL connection")
        }
    }

    private func connect(_ host: String) async throws -> PostgresClientConnection {
        try await PostgresClientConnection.connect(
            host: host,
            port: self.port,
            configuration: .init(user: self.user, password: self.password, database: self.database),
            tls: self.tls,
            connectTimeout: .seconds(2)
        )
    }
}

extension PostgresRowWriter: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        ["port": self.port, "user": self.user, "password": Redacted(), "database": self.database, "table": self.table]
    }
}
