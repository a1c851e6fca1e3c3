import NIOConcurrencyHelpers
import SandboxPostgresNIO
import SandboxPostgresWire
import SandboxSQLite

/// One connection to the scripted PostgreSQL server: the login decided as `pg_hba.conf` and `pg_authid` would, then
/// each command run on the server's blocking pool against the connection's own SQLite session.
final class ScriptedPostgresSession: PostgresServerSession, Sendable {
    typealias Machine = PostgresServerStateMachine
    private let server: ScriptedPostgresServer
    private let info: PostgresConnectionInfo
    private let state = NIOLockedValueBox(State())

    struct State: Sendable {
        var admitted = false
        var startup: Machine.Startup?
        var settings: SessionSettings?
        /// Opened at the first command, on the blocking pool; used by one command at a time (the machine's rule).
        var sql: PostgresSQLSession?
    }

    init(server: ScriptedPostgresServer, info: PostgresConnectionInfo) {
        (self.server, self.info) = (server, info)
    }

    // MARK: Login

    func authMethod(for startup: Machine.Startup) -> Result<Machine.AuthMethod, PostgresError> {
        if self.server.configuration.requireTLS, !startup.isTLS {
            return .failure(
                PostgresError(
                    .fatal,
                    "28000",
                    "no pg_hba.conf entry for host \"\(self.info.remoteHost)\", user \"\(startup.user)\", database "
                        + "\"\(startup.database)\", no encryption"
                )
            )
        }
        if startup.parameters["replication"].map({ !["false", "off", "0", "no"].contains($0.lowercased()) }) == true {
            return .failure(
                PostgresError(
                    .fatal,
                    "28000",
                    "no pg_hba.conf entry for replication connection from host \"\(self.info.remoteHost)\", user "
                        + "\"\(startup.user)\""
                )
            )
        }
        guard self.server.admit() else {
            return .failure(PostgresError(.fatal, "53300", "sorry, too many clients already"))
        }
        self.state.withLockedValue { $0.admitted = true }
        let nonce = (0..<18).map { _ in UInt8.random(in: 0...255) }
        // RDS's `hostssl … +rds_iam … pam`
        if self.server.user(named: startup.user)?.rdsIAM == true, startup.isTLS { return .success(.cleartext) }
        switch self.server.user(named: startup.user)?.method {
        case .md5?: return .success(.md5(salt: (0..<4).map { _ in UInt8.random(in: 0...255) }))
        case .password?: return .success(.cleartext)
        case .scramSHA256?, nil:
            return .success(.scram(self.server.user(named: startup.user)?.verifier, serverNonce: Self.base64(nonce)))
        }
    }

    func verify(_ startup: Machine.Startup, _ credential: Machine.Credential) -> Machine.Verdict {
        let refused = PostgresError(.fatal, "28P01", "password authentication failed for user \"\(startup.user)\"")
        guard let user = self.server.user(named: startup.user) else {
            self.server.refuse("login as \(startup.user) refused: no such role")
            return .rejected(refused)
        }
        if user.rdsIAM, startup.isTLS {
            guard case let .password(token) = credential, self.checkToken(token, user: user) else {
                return .rejected(
                    PostgresError(.fatal, "28P01", "PAM authentication failed for user \"\(startup.user)\"")
                )
            }
        } else {
            let good: Bool =
                switch credential {
                case .trusted: true
                case let .password(password): password == user.password
                case let .md5(response, salt):
                    response == MD5Password.response(user: user.name, password: user.password, salt: salt)
                case let .scram(error): error == nil
                }
            guard good else {
                self.server.refuse(self.passwordRefusal(user))
                return .rejected(refused)
            }
        }
        guard self.server.databaseExists(startup.database) else {
            return .rejected(PostgresError(.fatal, "3D000", "database \"\(startup.database)\" does not exist"))
        }
        var settings = self.server.sessionSettings(user: user.name, tls: startup.isTLS)
        do {
            for (name, value) in Self.sessionParameters(startup.parameters) { _ = try settings.set(name, value) }
        } catch {
            return .rejected(PostgresError(.fatal, error.sqlState, error.message))
        }
        self.state.withLockedValue {
            $0.startup = startup
            $0.settings = settings
        }
        return .accepted(parameters: settings.reportedAtLogin)
    }

    /// An rds_iam member's token, checked as RDS checks one; the reason for a refusal goes to the instance's refusals.
    private func checkToken(_ token: String, user: PostgresUser) -> Bool {
        guard let check = self.server.configuration.iamTokenCheck else {
            self.server.refuse(
                "login as \(user.name) refused: \(user.name) is a member of rds_iam, but IAM database "
                    + "authentication is not enabled "
                    + "on this instance (IAMDatabaseAuthenticationEnabled: false); enable it, or revoke rds_iam to "
                    + "log in with the password"
            )
            return false
        }
        switch check(user.name, token, self.info.remoteAddress?.ipAddress) {
        case .success: return true
        case let .failure(refusal):
            self.server.refuse("login as \(user.name) with an IAM token refused: \(refusal.reason)")
            return false
        }
    }

    /// Why a password login failed, with the hint a customer needs when the instance takes IAM tokens.
    private func passwordRefusal(_ user: PostgresUser) -> String {
        let refusal = "login as \(user.name) refused: the password (\(user.method.rawValue)) is not \(user.name)'s"
        if user.rdsIAM {
            return refusal
                + "; \(user.name) is a member of rds_iam, which logs in with an IAM token only over TLS "
                + "(sslmode=require)"
        }
        guard self.server.configuration.iamTokenCheck != nil else { return refusal }
        return refusal
            + "; an IAM auth token is taken only from members of rds_iam, and \(user.name) is not a member of rds_iam: "
            + "GRANT rds_iam TO \(user.name) to log in with IAM tokens"
    }

    func authenticated(_ startup: Machine.Startup) {
        self.server.registerCancel(processID: self.info.processID, secretKey: self.info.secretKey) { [weak self] in
            self?.state.withLockedValue { $0.sql }?.interrupt()
        }
    }

    func closed() {
        let admitted = self.state.withLockedValue { state -> Bool in
            state.sql = nil
            return state.admitted
        }
        self.server.sessionEnded(processID: self.info.processID, admitted: admitted)
    }

    /// The startup parameters that set run-time parameters: all but user, database and replication, and each
    /// `-c name=value` of `options`.
    static func sessionParameters(_ parameters: [String: String]) -> [(String, String)] {
        var pairs = parameters.filter { !["user", "database", "replication", "options"].contains($0.key) }.sorted {
            $0.key < $1.key
        }.map { ($0.key, $0.value) }
        let options = (parameters["options"] ?? "").split(separator: " ").map(String.init)
        var index = 0
        while index < options.count {
            var option = options[index]
            if option == "-c", index + 1 < options.count {
                index += 1
                option = options[index]
            } else if option.hasPrefix("-c") {
                option.removeFirst(2)
            } else if option.hasPrefix("--") {
                option.removeFirst(2)
            }
            let parts = option.split(separator: "=", maxSplits: 1)
            if parts.count == 2 {
                pairs.append((String(parts[0]).replacingOccurrences(of: "-", with: "_"), String(parts[1])))
            }
            index += 1
        }
        return pairs
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String(bytes.map { alphabet[Int($0) % alphabet.count] })
    }

    // MARK: Commands

    func execute(_ command: Machine.Command) async -> Machine.CommandResult {
        await self.server.runBlocking {
            switch self.sqlSession() {
            case let .success((sql, startup)): self.run(command, sql, startup, budget: nil) ?? .terminate([])
            case let .failure(error): .terminate([.error(error)])
            }
        }
    }

    /// About a millisecond of SQLite work: what a read may run on the event loop before it moves to the pool.
    private static let inlineBudget: Int32 = 200_000

    /// A read (one SELECT or SHOW, a Parse, an Execute of a read) on a session already open runs at once on the
    /// connection's event loop within an instruction budget, which most reads end well within. A longer one is
    /// interrupted with nothing changed and runs again on the pool; writes (they may wait for a lock) and
    /// `pg_sleep` always go there.
    func executeAtOnce(_ command: Machine.Command) -> Machine.CommandResult? {
        let (existing, startup) = self.state.withLockedValue { ($0.sql, $0.startup) }
        guard let sql = existing, let startup else { return nil }
        var statements: [PostgresSQLText]?
        switch command {
        case let .simpleQuery(text):
            statements = PostgresSQLText.statements(text)
            guard statements?.count == 1, let statement = statements?.first, Self.isShortRead(statement) else {
                return nil
            }
        case .parse: break
        case let .execute(execution):
            guard Self.isShortRead(sql.statement(execution.query)) else { return nil }
        }
        return self.run(command, sql, startup, budget: Self.inlineBudget, statements: statements)
    }

    /// A statement that only reads and cannot wait: no data-modifying WITH, no SELECT INTO, no pg_sleep.
    private static func isShortRead(_ statement: PostgresSQLText) -> Bool {
        guard let verb = statement.leadingWords(1).first, ["SELECT", "SHOW", "VALUES", "TABLE", "WITH"].contains(verb)
        else { return false }
        return !statement.tokens.contains { $0.kind == .word && Self.notReadOnly.contains($0.upper) }
    }

    private static let notReadOnly: Set = [
        "INTO", "INSERT", "UPDATE", "DELETE", "MERGE", "PG_SLEEP", "SET_CONFIG", "NEXTVAL", "SETVAL",
    ]

    /// The command's result; nil when it ran over `budget` (then nothing was changed or logged). `statements`: a
    /// simple query's, when already split.
    private func run(
        _ command: Machine.Command,
        _ sql: PostgresSQLSession,
        _ startup: Machine.Startup,
        budget: Int32?,
        statements split: [PostgresSQLText]? = nil
    ) -> Machine.CommandResult? {
        switch command {
        case let .simpleQuery(text):
            let statements = split ?? PostgresSQLText.statements(text)
            guard !statements.isEmpty else { return .completed([.emptyQueryResponse], sql.status) }
            var messages: [BackendMessage] = []
            for statement in statements {
                do {
                    guard let outcome = try sql.run(statement, within: budget) else { return nil }
                    self.log(.simple, statement.text, startup, nil)
                    if let columns = outcome.columns {
                        messages.append(.rowDescription(columns.map { Self.wire($0, format: 0) }))
                        for row in outcome.rows {
                            messages.append(
                                .dataRow(
                                    zip(row, columns).map {
                                        PostgresValueCodec.encode($0, as: $1.type, modifier: $1.modifier, format: 0)
                                    }
                                )
                            )
                        }
                    }
                    messages.append(.commandComplete(tag: outcome.tag))
                    messages += outcome.reported.map { .parameterStatus(name: $0.0, value: $0.1) }
                } catch {
                    self.log(.simple, statement.text, startup, error.sqlState)
                    messages.append(.error(error))
                    break
                }
            }
            return .completed(messages, sql.status)
        case let .parse(query, types):
            let statement = sql.statement(query)
            do {
                let described = try sql.describe(statement)
                let count = max(described.parameterCount, types.count)
                let inferred = sql.parameterTypes(statement, count: count)
                let parameterTypes = (0..<count).map {
                    $0 < types.count && types[$0] != 0 ? types[$0] : (inferred[$0] ?? .text).rawValue
                }
                self.log(.parse, query, startup, nil)
                return .parsed(
                    .init(parameterTypes: parameterTypes, columns: described.columns?.map { Self.wire($0, format: 0) })
                )
            } catch {
                self.log(.parse, query, startup, error.sqlState)
                return .failed(error, sql.status)
            }
        case let .execute(execution):
            do {
                var parameters: [SQLiteValue] = []
                for (index, bytes) in execution.parameters.enumerated() {
                    let format =
                        execution.parameterFormats.isEmpty
                        ? 0 : execution.parameterFormats[execution.parameterFormats.count == 1 ? 0 : index]
                    parameters.append(
                        try PostgresValueCodec.decode(
                            bytes,
                            as: PostgresType(rawValue: execution.parameterTypes[index]),
                            format: format
                        )
                    )
                }
                guard let outcome = try sql.run(sql.statement(execution.query), parameters: parameters, within: budget)
                else { return nil }
                self.log(.execute, execution.query, startup, nil)
                var messages: [BackendMessage] = []
                if outcome.columns != nil, !execution.columns.isEmpty {
                    for row in outcome.rows {
                        messages.append(
                            .dataRow(
                                zip(row, execution.columns).map {
                                    PostgresValueCodec.encode(
                                        $0,
                                        as: PostgresType(rawValue: $1.typeOID),
                                        modifier: $1.typeModifier,
                                        format: $1.format
                                    )
                                }
                            )
                        )
                    }
                }
                messages.append(.commandComplete(tag: outcome.tag))
                messages += outcome.reported.map { .parameterStatus(name: $0.0, value: $0.1) }
                return .completed(messages, sql.status)
            } catch {
                self.log(.execute, execution.query, startup, error.sqlState)
                return .failed(error, sql.status)
            }
        }
    }

    private func sqlSession() -> Result<(PostgresSQLSession, Machine.Startup), PostgresError> {
        let (existing, startup, settings) = self.state.withLockedValue { ($0.sql, $0.startup, $0.settings) }
        guard let startup, let settings else {
            return .failure(PostgresError(.fatal, "08P01", "a command arrived before the login completed"))
        }
        if let existing { return .success((existing, startup)) }
        do {
            let sql = try self.server.openSQL(
                user: startup.user,
                database: startup.database,
                processID: self.info.processID,
                settings: settings
            )
            self.state.withLockedValue { $0.sql = sql }
            return .success((sql, startup))
        } catch {
            return .failure(error)
        }
    }

    private func log(
        _ kind: PostgresQueryLog.Entry.Kind,
        _ statement: String,
        _ startup: Machine.Startup,
        _ sqlState: String?
    ) {
        self.server.queryLog.record(
            .init(
                processID: self.info.processID,
                user: startup.user,
                database: startup.database,
                kind: kind,
                statement: statement,
                sqlState: sqlState,
                date: .now
            )
        )
    }

    private static func wire(_ column: PostgresSQLSession.Column, format: Int16) -> BackendMessage.Column {
        var wire = BackendMessage.Column(
            name: column.name,
            typeOID: column.type.rawValue,
            typeSize: column.type.size,
            format: format
        )
        wire.typeModifier = column.modifier
        return wire
    }
}
