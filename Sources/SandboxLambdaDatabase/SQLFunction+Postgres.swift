import SandboxLambda
import SandboxPostgresNIO
import SandboxPostgresWire

extension SQLFunction {
    /// Runs the statements on a PostgreSQL target (an RDS Proxy for PostgreSQL, a postgres instance): a statement with
    /// parameters through the extended protocol (`$1`, `$2` … bound as text, typed by the server, as drivers bind
    /// them), one without as a simple query; answers the last one's rows.
    func runOnPostgres(
        _ event: JSONValue,
        on connection: PostgresClientConnection,
        context: LambdaContext
    ) async -> Result<JSONValue, FunctionError> {
        var last = PostgresResultJSON()
        var failure: FunctionError?
        for statement in self.statements {
            let messages: [FrontendMessage] =
                if statement.parameters.isEmpty {
                    [.query(statement.sql)]
                } else {
                    [
                        .parse(statement: "", query: statement.sql, parameterTypes: []),
                        .bind(
                            portal: "",
                            statement: "",
                            parameterFormats: [],
                            parameters: statement.parameters.map { Self.text(at: $0, in: event) },
                            resultFormats: []
                        ),
                        .describe(.portal, name: ""), .execute(portal: "", maxRows: 0), .sync,
                    ]
                }
            do {
                let result = PostgresQueryResult(try await connection.exchange(messages))
                if let error = result.error {
                    context.logger.error("statement failed: ERROR \(error.sqlState): \(error.message)")
                    failure = FunctionError(
                        errorType: "DatabaseError",
                        errorMessage: "ERROR \(error.sqlState): \(error.message)"
                    )
                    break
                }
                last = PostgresResultJSON(result)
            } catch {
                context.logger.error("statement failed: \(error)")
                failure = FunctionError(errorType: "DatabaseError", errorMessage: "\(error)")
                break
            }
        }
        if let failure { return .failure(failure) }
        return .success(last.json)
    }

    /// A parameter as PostgreSQL's text format (nil: NULL, for a missing path too).
    static func text(at path: String, in event: JSONValue) -> [UInt8]? {
        switch Self.value(at: path, in: event) {
        case nil, .null?: nil
        case let .string(text)?: Array(text.utf8)
        case let .bool(flag)?: Array((flag ? "true" : "false").utf8)
        case let other?: Array(other.text.utf8)
        }
    }
}

/// A result as JSON: rows keyed by column name, and the rows the command changed.
struct PostgresResultJSON {
    var result = PostgresQueryResult([])

    init() {}

    init(_ result: PostgresQueryResult) { self.result = result }

    var json: JSONValue {
        let rows = self.result.rows.map { fields in
            JSONValue.object(
                Dictionary(
                    zip(self.result.columns, fields).map {
                        ($0.name, Self.json($1, type: PostgresType(rawValue: $0.typeOID)))
                    },
                    uniquingKeysWith: { first, _ in first }
                )
            )
        }
        return ["rows": .array(rows), "affectedRows": .int(self.result.affectedRows)]
    }

    /// Integers, floats and booleans as JSON's own (as drivers decode them by column type), everything else as text.
    static func json(_ field: [UInt8]?, type: PostgresType) -> JSONValue {
        guard let field else { return .null }
        let text = String(decoding: field, as: UTF8.self)
        switch type {
        case .int2, .int4, .int8, .oid: if let number = Int64(text) { return .int(number) }
        case .float4, .float8: if let number = Double(text) { return .double(number) }
        case .bool: return .bool(text == "t" || text == "true")
        default: break
        }
        return .string(text)
    }
}
