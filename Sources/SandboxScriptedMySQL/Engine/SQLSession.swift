import Foundation
import SandboxMySQLWire

/// One client's view of the database: current schema, autocommit, variables, transaction, SQLite
/// connections. Used by one task at a time (the connection state machine never overlaps commands).
///
/// `@unchecked Sendable`: it owns SQLite connection handles, and the protocol's state machine never lets two
/// commands of one connection overlap, so one command at a time touches it, whichever thread runs it.
final class SQLSession: @unchecked Sendable {
    struct Prepared {
        var sql: String
        var parameterCount: Int
    }

    let connectionID: UInt32
    let catalog: Catalog
    let server: ServerControl
    var user: String = ""
    var host: String = ""
    var database: String?
    var autocommit = true
    var variables: [String: String]
    var lastInsertID: UInt64 = 0
    var lastAffectedRows: Int64 = 0
    var lastFoundRows: Int = 0
    var prepared: [UInt32: Prepared] = [:]
    var nextStatementID: UInt32 = 1
    private var connections: [String: SQLiteConnection] = [:]
    private var instructionBudget: Int32?
    /// The statements that changed data in the open transaction, for the server's replicas once it commits.
    var uncommitted: [CommittedTransaction.Statement] = []

    init(connectionID: UInt32, catalog: Catalog, server: ServerControl, variables: [String: String]) {
        self.connectionID = connectionID
        self.catalog = catalog
        self.server = server
        self.variables = variables
    }

    /// The SQLite connection of the current schema; with none selected, an empty in-memory one, so that
    /// `SELECT 1` works and naming a table fails with "No database selected".
    /// Runs `body` with every SQLite statement limited to `budget` instructions (see
    /// `SQLiteConnection.instructionBudget`).
    func withInstructionBudget<T>(_ budget: Int32, _ body: () -> T) -> T {
        self.instructionBudget = budget
        defer {
            self.instructionBudget = nil
            for connection in self.connections.values { connection.instructionBudget = nil }
        }
        return body()
    }

    func connection() throws(ErrorPacket) -> SQLiteConnection {
        let connection = try self.currentConnection()
        connection.instructionBudget = self.instructionBudget
        return connection
    }

    private func currentConnection() throws(ErrorPacket) -> SQLiteConnection {
        guard let database else {
            if let scratch = self.scratch { return scratch }
            do {
                let scratch = try SQLiteConnection(path: ":memory:", functions: SQLiteFunctions.register(on:))
                self.scratch = scratch
                return scratch
            } catch {
                throw ErrorPacket(code: 1105, sqlState: "HY000", message: error.message)
            }
        }
        return try self.connection(for: database)
    }

    private var scratch: SQLiteConnection? {
        get { self.connections[""] }
        set { self.connections[""] = newValue }
    }

    func connection(for database: String) throws(ErrorPacket) -> SQLiteConnection {
        if let open = self.connections[database] { return open }
        guard self.catalog.exists(database) else { throw .unknownDatabase(database) }
        do {
            let connection = try SQLiteConnection(
                path: self.catalog.path(of: database),
                functions: SQLiteFunctions.register(on:)
            )
            self.connections[database] = connection
            return connection
        } catch {
            throw ErrorPacket(
                code: 1105,
                sqlState: "HY000",
                message: "cannot open database '\(database)': \(error.message)"
            )
        }
    }

    var inTransaction: Bool { self.connections[self.database ?? ""]?.isInTransaction ?? false }

    /// Whether a transaction is open in any schema (its write locks are kept until it ends).
    var anyTransactionOpen: Bool { self.connections.values.contains { $0.isInTransaction } }

    var status: ServerStatus {
        var status: ServerStatus = []
        if self.autocommit { status.insert(.autocommit) }
        if self.inTransaction { status.insert(.inTransaction) }
        return status
    }

    /// Switches schema (USE / COM_INIT_DB / the handshake's database).
    func use(_ name: String) throws(ErrorPacket) {
        guard self.catalog.exists(name) else { throw .unknownDatabase(name) }
        self.database = name
    }

    /// Ends any open transaction and forgets session state (COM_RESET_CONNECTION, COM_CHANGE_USER).
    func reset(variables: [String: String]) {
        self.rollbackAll()
        self.autocommit = true
        self.variables = variables
        self.prepared.removeAll()
        self.lastInsertID = 0
    }

    func rollbackAll() {
        for connection in self.connections.values where connection.isInTransaction {
            _ = try? connection.execute("ROLLBACK")
        }
        self.uncommitted.removeAll()
    }

    func close() {
        self.rollbackAll()
        self.connections.removeAll()
    }
}

/// What a session may ask of its server.
protocol ServerControl: AnyObject, Sendable {
    func kill(connectionID: UInt32) -> Bool
    /// An Aurora reader: statements that change data get 1290.
    var isReadOnly: Bool { get }
    /// A statement that changes data was refused with 1290 (the server keeps why, for explanations).
    func refusedWrite(connectionID: UInt32)
    /// Whether anything (a replication stream) wants the transactions that change data.
    var reportsCommits: Bool { get }
    /// A transaction that changed data committed (its replicas apply it).
    func committed(_ transaction: CommittedTransaction)
    func flushPrivileges()
    var connectionCount: Int { get }
}
