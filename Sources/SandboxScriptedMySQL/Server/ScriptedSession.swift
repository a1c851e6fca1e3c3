import Foundation
import Logging
import NIOCore
import NIOPosix
import SandboxMySQLNIO
import SandboxMySQLWire

/// One connection to the scripted server: checks logins against the server's users, consults the script
/// for each statement, runs the rest on SQLite (on the server's thread pool), and logs every statement.
final class ScriptedSession: MySQLServerSession, Sendable {
    private let server: ScriptedMySQLServer
    private let info: MySQLConnectionInfo
    private let sql: SQLSession
    private var logger: Logger { self.info.logger(from: self.server.configuration.logger) }

    init(server: ScriptedMySQLServer, info: MySQLConnectionInfo, sql: SQLSession) {
        self.server = server
        self.info = info
        self.sql = sql
    }

    func authMethod(for request: ServerAuthRequest) -> Result<MySQLAuthPlugin, ErrorPacket> {
        guard let user = self.server.user(named: request.username), user.admits(host: self.info.remoteHost) else {
            // Unknown users still go through a scramble exchange, as MySQL does, and fail at verification.
            return .success(self.server.configuration.defaultAuthPlugin)
        }
        if !request.clientCapabilities.contains(.pluginAuth), user.plugin != .nativePassword {
            self.server.refuse(
                "\(user.name) logs in with \(user.plugin.rawValue); the client (no CLIENT_PLUGIN_AUTH, a driver "
                    + "without authentication "
                    + "plugins) sends only a mysql_native_password scramble: 1251"
            )
        }
        return .success(user.plugin)
    }

    func verify(_ request: ServerAuthRequest, proof: AuthProof) -> AuthVerdict {
        let denied = AuthVerdict.rejected(
            .accessDenied(user: request.username, host: self.info.remoteHost, usingPassword: proof.usesPassword)
        )
        guard let user = self.server.user(named: request.username), user.admits(host: self.info.remoteHost) else {
            self.logger.info("login refused: no such account", metadata: ["mysql.user": "\(request.username)"])
            return denied
        }
        if case .scramble(.cachingSHA2Password, _, _) = proof, !self.server.isFastAuthCached(user.name) {
            return .fullAuthenticationRequired
        }
        guard proof.matches(password: user.password) else {
            self.logger.info("login refused: wrong password", metadata: ["mysql.user": "\(request.username)"])
            return denied
        }
        if case .cleartext = proof, user.plugin == .cachingSHA2Password { self.server.cacheFastAuth(user.name) }
        if let database = request.database {
            let known = self.server.catalog.exists(database)
            guard known else { return .rejected(.unknownDatabase(database)) }
        }
        return .accepted
    }

    func authenticated(_ request: ServerAuthRequest) {
        if request.isChangeUser { self.sql.reset(variables: self.server.defaultVariables) }
        self.sql.user = request.username
        self.sql.host = self.info.remoteHost
        self.sql.database = request.database
    }

    func execute(_ command: MySQLCommand) async -> CommandResponse {
        switch command {
        case let .initDB(name):
            do throws(ErrorPacket) {
                try self.sql.use(name)
                return .ok(OKPacket(status: self.sql.status))
            } catch { return .error(error) }
        case let .query(text):
            return await self.run(BinaryLiterals.text(of: text), parameters: [], kind: .query)
        case let .statementPrepare(text):
            return await self.onPool { self.prepare(text) }
        case let .statementExecute(execute):
            guard let statement = self.sql.prepared[execute.statementID] else {
                return .error(.unknownStatement(execute.statementID, in: "mysqld_stmt_execute"))
            }
            return await self.run(statement.sql, parameters: execute.parameters, kind: .execute)
        case let .statementClose(id):
            self.sql.prepared[id] = nil
            return .noResponse
        case .statementReset, .setOption:
            return .ok(OKPacket(status: self.sql.status))
        case .resetConnection:
            self.sql.reset(variables: self.server.defaultVariables)
            return .ok(OKPacket(status: self.sql.status))
        case let .fieldList(table):
            guard
                case let .rows(columns, _) = await self.onPool({ self.sql.execute("SELECT * FROM `\(table)` LIMIT 0") })
            else {
                return .error(SQLError.unknownTable(self.sql.database ?? "", table))
            }
            return .fieldList(columns)
        case .quit, .ping, .changeUser:
            return .ok(OKPacket(status: self.sql.status))
        }
    }

    /// The client is gone, possibly mid-query: the statement in flight finishes first (the session lock),
    /// then any open transaction is rolled back and the SQLite connections closed.
    func closed() {
        self.server.sessionClosed(self.info.id)
        let locks = self.server.writeLocks
        let log = self.server.queryLog
        let id = self.info.id
        self.server.startBlocking {
            self.lock.withLock { self.sql.close() }
            log.ended(connectionID: id)
            locks.release(session: id)  // its transaction is rolled back: the sessions waiting behind it proceed
        }
    }

    // MARK: Statements

    private func run(_ text: String, parameters: [MySQLValue], kind: QueryLog.Entry.Kind) async -> CommandResponse {
        let binary = kind == .execute
        self.server.queryLog.started(text, connectionID: self.info.id, user: self.sql.user)
        let rule = self.server.script.take(for: text)
        if let delay = rule?.delay, delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
        let response: CommandResponse
        switch rule?.answer ?? .execute {
        case .execute:
            if let refusal = await self.takeWriteLock(for: text) {
                response = refusal
            } else {
                let (answer, open) = await self.onPool {
                    (
                        self.encode(self.sql.execute(text, parameters: parameters), binary: binary),
                        self.sql.anyTransactionOpen
                    )
                }
                if !open { self.server.writeLocks.release(session: self.info.id) }
                response = answer
            }
        case let .rows(columns, rows):
            response = self.encode(.table(columns, rows), binary: binary)
        case let .error(code, sqlState, message):
            response = .error(ErrorPacket(code: code, sqlState: sqlState, message: message))
        case let .ok(affected):
            response = .ok(OKPacket(affectedRows: affected, status: self.sql.status))
        case .drop:
            response = .closeConnection(nil)
        }
        self.record(text, kind: kind, response, scripted: rule != nil && rule?.answer != .execute)
        return response
    }

    private func record(_ text: String, kind: QueryLog.Entry.Kind, _ response: CommandResponse, scripted: Bool) {
        self.server.queryLog.record(
            .init(
                connectionID: self.info.id,
                user: self.sql.user,
                database: self.sql.database,
                kind: kind,
                statement: text,
                outcome: Self.outcome(response),
                scripted: scripted,
                date: Date()
            )
        )
    }

    /// About a millisecond of SQLite work: what a statement may run on an event loop before it moves to the pool.
    private static let inlineBudget: Int32 = 200_000

    /// A read, with no script rules to consult, runs at once on the connection's event loop within an instruction
    /// budget, which most reads end well within: no thread hop. A longer read (interrupted, nothing changed, it
    /// runs again), a write (it may wait for a lock), SLEEP() and scripts take the async path to the blocking pool.
    /// Prepared statements' executes (`COM_STMT_EXECUTE`, as sysbench and most drivers send) take the same path.
    func startExecute(_ command: MySQLCommand, writer: MySQLResponseWriter) -> EventLoopFuture<CommandResponse>? {
        let (text, parameters, kind): (String, [MySQLValue], QueryLog.Entry.Kind)
        switch command {
        case let .query(query): (text, parameters, kind) = (BinaryLiterals.text(of: query), [], .query)
        case let .statementExecute(execute):
            guard let statement = self.sql.prepared[execute.statementID] else { return nil }
            (text, parameters, kind) = (statement.sql, execute.parameters, .execute)
        default: return nil
        }
        guard self.server.script.isEmpty, case let shape = StatementShape.of(text), !shape.isWrite, !shape.sleeps else {
            return nil
        }
        let outcome = self.lock.withLock { () -> (CommandResponse, open: Bool)? in
            let result = self.sql.withInstructionBudget(Self.inlineBudget) {
                self.sql.execute(text, parameters: parameters)
            }
            if case let .failure(error) = result, error == .queryInterrupted { return nil }
            return (self.encode(result, binary: kind == .execute), self.sql.anyTransactionOpen)
        }
        guard let (response, open) = outcome else { return nil }
        if !open { self.server.writeLocks.release(session: self.info.id) }
        self.record(text, kind: kind, response, scripted: false)
        return writer.eventLoop.makeSucceededFuture(response)
    }

    /// A statement that writes needs the schema's write lock, kept until its transaction ends: it waits for the
    /// writing transaction ahead of it up to innodb_lock_wait_timeout (1205), and a real cycle is a deadlock (1213,
    /// the transaction rolled back). Reads never wait.
    private func takeWriteLock(for text: String) async -> CommandResponse? {
        guard let schema = self.sql.database, !self.server.isReadOnly, StatementShape.of(text).isWrite else {
            return nil
        }  // a reader answers 1290
        let seconds = Double(self.sql.variables["innodb_lock_wait_timeout"] ?? "") ?? 50
        switch await self.server.writeLocks.acquire(
            schema,
            session: self.info.id,
            timeout: .milliseconds(Int64(max(0, seconds) * 1000))
        ) {
        case .granted:
            return nil
        case .timedOut:
            return .error(
                ErrorPacket(
                    code: 1205,
                    sqlState: "HY000",
                    message: "Lock wait timeout exceeded; try restarting transaction"
                )
            )
        case .deadlock:
            await self.onPool { self.sql.rollbackAll() }
            self.server.writeLocks.release(session: self.info.id)
            return .error(
                ErrorPacket(
                    code: 1213,
                    sqlState: "40001",
                    message: "Deadlock found when trying to get lock; try restarting transaction"
                )
            )
        }
    }

    private func prepare(_ text: String) -> CommandResponse {
        let parameterCount = SQLText.segments(text).reduce(0) { count, segment in
            if case let .code(code) = segment { return count + code.filter { $0 == "?" }.count }
            return count
        }
        var columns: [ColumnDefinition41] = []
        let words = SQLText.leadingWords(text, count: 1)
        if ["SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"].contains(words.first ?? ""),
            let connection = try? self.sql.connection()
        {
            let translated = MySQLToSQLite.translate(text) { self.sql.literal(for: $0) }
            do {
                columns = try connection.describe(translated).columns.map {
                    ColumnDefinition41(
                        name: $0.name,
                        type: ColumnTypeMapping.columnType(declared: $0.declaredType, sample: nil)
                    )
                }
            } catch {
                return .error(SQLError.from(error, database: self.sql.database ?? ""))
            }
        }
        let id = self.sql.nextStatementID
        self.sql.nextStatementID &+= 1
        self.sql.prepared[id] = .init(sql: text, parameterCount: parameterCount)
        self.server.queryLog.record(
            .init(
                connectionID: self.info.id,
                user: self.sql.user,
                database: self.sql.database,
                kind: .prepare,
                statement: text,
                outcome: .ok(affectedRows: 0),
                scripted: false,
                date: Date()
            )
        )
        let parameters = (0..<parameterCount).map { _ in ColumnDefinition41(name: "?", type: .varString) }
        return .prepared(PreparedStatement(id: id, parameters: parameters, columns: columns))
    }

    private func encode(_ result: StatementResult, binary: Bool) -> CommandResponse {
        switch result {
        case let .ok(affected, lastID, info):
            return .ok(OKPacket(affectedRows: affected, lastInsertID: lastID, status: self.sql.status, info: info))
        case let .rows(columns, rows):
            let set = ResultSet(columns: columns, rows: rows, status: self.sql.status)
            return binary ? .binaryResultSet(set) : .resultSet(set)
        case let .failure(error):
            return .error(error)
        }
    }

    /// Runs SQLite work on the server's blocking pool, one piece at a time per session.
    private func onPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await self.server.runBlocking { self.lock.withLock(work) }
    }

    private let lock = NSLock()

    private static func outcome(_ response: CommandResponse) -> QueryLog.Entry.Outcome {
        switch response {
        case let .ok(ok): .ok(affectedRows: ok.affectedRows)
        case let .resultSet(set), let .binaryResultSet(set): .rows(set.rows.count)
        case let .error(error): .error(code: error.code)
        case .closeConnection: .dropped
        default: .ok(affectedRows: 0)
        }
    }
}
