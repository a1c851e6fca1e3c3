import SandboxMySQLWire

/// A transaction as the writer committed it, statement by statement (MySQL's binlog_format=STATEMENT): what an
/// asynchronous replica applies, in commit order, to hold the same rows.
public struct CommittedTransaction: Sendable, Equatable {
    public struct Statement: Sendable, Equatable {
        /// The schema it ran in.
        public var database: String?
        public var sql: String
        public var parameters: [MySQLValue]
    }

    public var statements: [Statement]
}
