import Foundation
import SandboxLambda
import SandboxMySQLNIO
import SandboxMySQLWire

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
        if (try? context.databases.resolve(self.target))?.engine == .postgres {
            return try await self.runOnPostgres(event, auth: auth, context: context)
        }
        let connection = try await self.loggedIn(context) { timeout in
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
        await connection.close()
        return try result.get().json
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
