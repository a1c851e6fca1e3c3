import Foundation
import SandboxLambda
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxPostgresNIO

extension SQLFunction {
    /// Runs the function for `event`: logs in to its target (MySQL or PostgreSQL, as the target speaks), runs its
    /// statements, answers the last one's rows.
    /// The function's `DB_TLS=false` turns TLS off. This is the `SQLFunction.Runner` a sandbox gives Lambda.
    @Sendable public static func run(
        _ function: SQLFunction,
        event: JSONValue,
        context: LambdaContext,
        secret: SecretReader
    ) async throws -> JSONValue {
        try await function.run(event, context: context, secret: secret)
    }

    func run(_ event: JSONValue, context: LambdaContext, secret: SecretReader) async throws -> JSONValue {
        var function = self
        if let tls = context.environment["DB_TLS"] {
            function.tls = !["false", "0", "no", "off"].contains(tls.lowercased())
        }
        return try await function.connectAndRun(event, context: context, secret: secret)
    }

    private func connectAndRun(
        _ event: JSONValue,
        context: LambdaContext,
        secret: SecretReader
    ) async throws -> JSONValue {
        if (try? context.databases.resolve(self.target))?.engine == .postgres {
            let connection = try await self.connection(context, secret: secret, kept: \.postgres) { auth, timeout in
                try await context.database.connectPostgres(
                    self.target,
                    user: self.user,
                    auth: auth,
                    database: self.database,
                    tls: self.tls,
                    timeout: timeout
                )
            }
            let result = await self.runOnPostgres(event, on: connection, context: context)
            await self.keepOrClose(.postgres(connection), usable: connection.isActive, in: context)
            return try result.get()
        }
        let connection = try await self.connection(context, secret: secret, kept: \.mysql) { auth, timeout in
            try await context.database.connect(
                self.target,
                user: self.user,
                auth: auth,
                database: self.database,
                tls: self.tls,
                timeout: timeout
            )
        }
        let result = await self.execute(on: connection, event: event, logger: context)
        await self.keepOrClose(.mysql(connection), usable: connection.channel.isActive, in: context)
        return try result.get().json
    }

    /// The connection an earlier invocation kept, or a new login with `connect` (given the credentials and how long
    /// it may take).
    private func connection<Connection>(
        _ context: LambdaContext,
        secret: SecretReader,
        kept: KeyPath<KeptSQLConnection, Connection?>,
        connect: (DatabaseConnector.Auth, TimeInterval) async throws -> Connection
    ) async throws -> Connection {
        if let connection = await self.kept(in: context)?[keyPath: kept] { return connection }
        let auth = try await self.auth(context, secret: secret)
        return try await self.loggedIn(context) { timeout in try await connect(auth, timeout) }
    }

    /// How the function logs in: a token from the role, or the secret's password (read as the role now).
    private func auth(_ context: LambdaContext, secret: SecretReader) async throws -> DatabaseConnector.Auth {
        let auth: DatabaseConnector.Auth
        switch self.auth {
        case .iam: auth = .iam
        case let .secret(id):
            let text = try await secret(id, context)
            guard let password = (try? JSONValue(parsing: Array(text.utf8)))?["password"]?.stringValue else {
                throw FunctionError(
                    errorType: "SecretFormatError",
                    errorMessage: "secret \(id) is not JSON with a \"password\""
                )
            }
            auth = .password(password)
        }
        let how = self.auth == .iam ? "an IAM token" : "the password of the secret"
        context.logger.info(
            "connecting to \(self.target) as \(self.user) with \(how)\(self.tls ? " over TLS" : " without TLS")"
        )
        return auth
    }

    /// Where a kept connection lives in the execution environment's globals.
    private var keptKey: String { "sql \(self.target) \(self.user) \(self.database ?? "")" }

    /// The connection an earlier invocation of this environment kept, when the function keeps one and it is open.
    private func kept(in context: LambdaContext) async -> KeptSQLConnection? {
        guard self.keepsConnection, let kept = context.globals.take(self.keptKey) as? KeptSQLConnection else {
            return nil
        }
        guard kept.isOpen else {
            context.logger.info("the kept connection to \(self.target) was closed; logging in again")
            await kept.close()
            return nil
        }
        return kept
    }

    /// Keeps the connection for the environment's next invocation when the function keeps one and it is still
    /// usable; closes it otherwise.
    private func keepOrClose(_ connection: KeptSQLConnection, usable: Bool, in context: LambdaContext) async {
        if self.keepsConnection, usable {
            await context.globals.keep(self.keptKey, connection)
        } else {
            await connection.close()
        }
    }

    /// Logs in with `connect` (given how long it may take); a failure is the function's DatabaseConnectionError.
    func loggedIn<Connection>(
        _ context: LambdaContext,
        _ connect: (TimeInterval) async throws -> Connection
    ) async throws -> Connection {
        do {
            return try await connect(min(5, max(0.1, context.remainingTime - 0.2)))
        } catch {
            context.logger.error("connection to \(self.target) failed: \(error)")
            throw FunctionError(
                errorType: "DatabaseConnectionError",
                errorMessage: "cannot connect to \(self.target) as \(self.user): \(error)"
            )
        }
    }

    private func execute(
        on connection: MySQLConnection,
        event: JSONValue,
        logger context: LambdaContext
    ) async -> Result<MySQLQueryResultJSON, FunctionError> {
        var last = MySQLQueryResultJSON.empty
        for statement in self.statements {
            let values = statement.parameters.map { Self.lookup($0, in: event) }
            do {
                if values.isEmpty {
                    last = MySQLQueryResultJSON(try await connection.query(statement.sql))
                } else {
                    let prepared = try await connection.prepare(statement.sql)
                    last = MySQLQueryResultJSON(try await connection.execute(prepared, values))
                    try? await connection.closeStatement(prepared)
                }
            } catch {
                context.logger.error("statement failed: \(error)")
                return .failure(FunctionError(errorType: "DatabaseError", errorMessage: "\(error)"))
            }
        }
        return .success(last)
    }

    /// What a dotted path into the event names (nil: nothing).
    static func value(at path: String, in event: JSONValue) -> JSONValue? {
        var value: JSONValue? = event
        for key in path.split(separator: ".") { value = value?[String(key)] }
        return value
    }

    /// A dotted path into the event as a parameter value (missing: NULL).
    static func lookup(_ path: String, in event: JSONValue) -> MySQLValue {
        switch Self.value(at: path, in: event) {
        case let .string(text)?: return .text(text)
        case let .int(number)?: return .integer(number)
        case let .double(number)?: return .double(number)
        case let .bool(flag)?: return .integer(flag ? 1 : 0)
        case nil, .null?: return .null
        case let other?: return .text(other.text)
        }
    }
}

/// A result as JSON: rows keyed by column name.
struct MySQLQueryResultJSON {
    var rows: [JSONValue]
    var affectedRows: UInt64

    static let empty = MySQLQueryResultJSON(rows: [], affectedRows: 0)

    init(rows: [JSONValue], affectedRows: UInt64) {
        self.rows = rows
        self.affectedRows = affectedRows
    }

    init(_ result: MySQLQueryResult) {
        let columns = result.columns
        self.rows = result.rows.map { row in
            .object(
                Dictionary(
                    zip(columns.map(\.name), zip(columns, row).map { Self.json($1, type: $0.type) }),
                    uniquingKeysWith: { first, _ in first }
                )
            )
        }
        self.affectedRows = result.affectedRows
    }

    var json: JSONValue { ["rows": .array(self.rows), "affectedRows": .int(Int64(self.affectedRows))] }

    /// Integers and floats as numbers (as drivers decode them by column type), everything else as text.
    static func json(_ value: MySQLValue, type: MySQLColumnType) -> JSONValue {
        if case let .text(text) = value {
            switch type {
            case .tiny, .short, .long, .longlong, .int24, .year: if let number = Int64(text) { return .int(number) }
            case .float, .double: if let number = Double(text) { return .double(number) }
            default: break
            }
        }
        return switch value {
        case .null: .null
        case let .integer(number): .int(number)
        case let .unsignedInteger(number): number <= UInt64(Int64.max) ? .int(Int64(number)) : .string(String(number))
        case let .double(number): .double(number)
        case let .text(text): .string(text)
        case let .bytes(bytes): .string(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// A connection the built-in SQL function keeps in its execution environment.
enum KeptSQLConnection: KeptResource {
    case mysql(MySQLConnection)
    case postgres(PostgresClientConnection)

    var mysql: MySQLConnection? { if case let .mysql(connection) = self { connection } else { nil } }
    var postgres: PostgresClientConnection? { if case let .postgres(connection) = self { connection } else { nil } }

    var isOpen: Bool {
        switch self {
        case let .mysql(connection): connection.channel.isActive
        case let .postgres(connection): connection.isActive
        }
    }

    func close() async {
        switch self {
        case let .mysql(connection): await connection.close()
        case let .postgres(connection): await connection.close()
        }
    }
}
