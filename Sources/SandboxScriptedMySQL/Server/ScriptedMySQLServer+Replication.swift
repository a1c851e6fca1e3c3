import SandboxMySQLWire

/// Replication: a writer reports each transaction it commits; a replica applies another server's transactions,
/// is rebuilt from a writer's volume, and lets a copy of its volume be taken while no transaction writes.
extension ScriptedMySQLServer {
    /// Called with every transaction that changed data, as it commits (a writer's replication stream); nil stops it.
    public func setCommitObserver(_ observer: (@Sendable (CommittedTransaction) -> Void)?) {
        self.state.withLockedValue { $0.commitObserver = observer }
    }

    var reportsCommits: Bool { self.state.withLockedValue { $0.commitObserver != nil } }

    func committed(_ transaction: CommittedTransaction) {
        self.state.withLockedValue { $0.commitObserver }?(transaction)
    }

    /// Applies a transaction another server committed (as a replica's SQL thread does), statement by statement in
    /// one transaction; a statement that fails is reported and the rest of the transaction rolled back.
    public func apply(_ transaction: CommittedTransaction) async throws {
        let error: ErrorPacket? = await self.runBlocking {
            let session = self.state.withLockedValue { state -> SQLSession in
                if let applier = state.applier { return applier }
                let applier = SQLSession(
                    connectionID: 0,
                    catalog: self.catalog,
                    server: self,
                    variables: self.defaultVariables
                )
                state.applier = applier
                return applier
            }
            return Self.apply(transaction, in: session)
        }
        if let error { throw error }
    }

    /// Replaces this (stopped) server's volume with a copy of `source` (a replica rebuilt from the writer).
    public func restoreVolume(from source: StorageVolume) throws {
        let applier = self.state.withLockedValue { state in
            defer { state.applier = nil }
            return state.applier
        }
        applier?.close()
        try self.volume.restore(from: source)
    }

    /// Runs `body` while no transaction of this server can write (the server holds every schema's write lock,
    /// after the transactions ahead of it end): a consistent point to copy its volume from.
    public func withWritesPaused(_ body: @Sendable () throws -> Void) async throws {
        let session = UInt32.max  // never a connection id
        for schema in self.catalog.schemas {
            _ = await self.writeLocks.acquire(schema, session: session, timeout: .seconds(30))
        }
        defer { self.writeLocks.release(session: session) }
        try body()
    }

    private static func apply(_ transaction: CommittedTransaction, in session: SQLSession) -> ErrorPacket? {
        let wrapped = transaction.statements.count > 1
        if wrapped { _ = session.execute("BEGIN") }
        for statement in transaction.statements {
            if let database = statement.database, session.database != database { try? session.use(database) }
            if case let .failure(error) = session.execute(statement.sql, parameters: statement.parameters) {
                session.rollbackAll()
                return error
            }
        }
        if wrapped { _ = session.execute("COMMIT") }
        session.uncommitted.removeAll()
        return nil
    }
}
