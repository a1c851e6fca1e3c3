import Foundation

/// Handlers the sandbox ships, so topologies and templates run without code.
public enum BuiltinFunction: Sendable, Equatable {
    /// Returns its event.
    case echo
    /// Connects to a proxy or instance and runs statements.
    case sql(SQLFunction)
}

/// The built-in SQL handler: log in to `target` as `user` (an IAM token from the execution role, or the password
/// of a secret read with GetSecretValue as the role), run `statements` in order, return the last one's rows:
/// `{"rows": [{column: value}], "affectedRows": n}`. The function's `DB_TLS=false` turns TLS off (a misconfiguration
/// to reproduce). With `keepsConnection` the connection stays open in the execution environment and serves its next
/// warm invocations, as customers' code keeping it in a global does; without it each invocation logs in (and so
/// sees a revoked `rds-db:connect` or a rotated password at once).
public struct SQLFunction: Sendable, Equatable {
    public enum Auth: Sendable, Equatable {
        case iam
        /// A Secrets Manager secret (name or ARN) holding `{"username", "password"}`.
        case secret(String)
    }

    /// One statement; `parameters` are dotted paths into the event (`queryStringParameters.email`) bound to its `?`s.
    public struct Statement: Sendable, Equatable {
        public var sql: String
        public var parameters: [String]
        public init(sql: String, parameters: [String] = []) {
            self.sql = sql
            self.parameters = parameters
        }
    }

    /// A proxy name or instance id (or its DNS name).
    public var target: String
    public var user: String
    public var auth: Auth
    public var database: String?
    public var tls: Bool
    public var statements: [Statement]
    /// Keep the connection for the environment's next invocations instead of logging in on each.
    public var keepsConnection: Bool

    public init(
        target: String,
        user: String,
        auth: Auth,
        database: String? = nil,
        tls: Bool = true,
        statements: [Statement],
        keepsConnection: Bool = false
    ) {
        self.target = target
        self.user = user
        self.auth = auth
        self.database = database
        self.tls = tls
        self.statements = statements
        self.keepsConnection = keepsConnection
    }
}

extension SQLFunction {
    /// Reads a secret's value (a name or ARN) as the function's role.
    public typealias SecretReader = @Sendable (_ secretID: String, LambdaContext) async throws -> String
    /// What runs a built-in SQL function: `SandboxLambdaDatabase`'s `SQLFunction.run`, given to the Lambda service by
    /// whoever starts it, so that Lambda itself needs no MySQL client.
    public typealias Runner =
        @Sendable (SQLFunction, _ event: JSONValue, LambdaContext, SecretReader) async throws -> JSONValue
}

extension BuiltinFunction {
    /// The closure that runs it; `secret` reads a secret as the function's role, `sql` runs SQL functions.
    func handler(sql: SQLFunction.Runner?, secret: @escaping SQLFunction.SecretReader) -> LambdaHandler {
        switch self {
        case .echo:
            return { event, _ in event }
        case let .sql(function):
            guard let sql else {
                return { _, _ in
                    throw FunctionError(
                        errorType: "Runtime.Unavailable",
                        errorMessage: "this Lambda service was started without a runner for built-in SQL functions"
                    )
                }
            }
            return { event, context in try await sql(function, event, context, secret) }
        }
    }
}
