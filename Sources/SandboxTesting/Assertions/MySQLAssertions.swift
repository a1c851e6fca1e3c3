import CloudSandbox
import SandboxMariaDBClient

/// Expects `body` to fail with MySQL error `code` (and `sqlState`); returns the error. When it does not, the failure
/// message carries `sandbox`'s explanation (its proxies' login decisions, the network's drops).
@discardableResult
public func assertMySQLError(
    _ code: UInt32,
    _ sqlState: String? = nil,
    explainedBy sandbox: Sandbox? = nil,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () async throws -> Void
) async -> MariaDBError? {
    let why = { sandbox.map { "\n\($0.explanation())" } ?? "" }
    do {
        try await body()
        recordFailure("expected MySQL error \(code), but it succeeded\(why())", file: file, line: line)
    } catch let error as MariaDBError {
        if error.code != code || (sqlState.map { $0 != error.sqlState } ?? false) {
            recordFailure(
                "expected MySQL error \(code)\(sqlState.map { " (\($0))" } ?? ""), got \(error)\(why())",
                file: file,
                line: line
            )
        }
        return error
    } catch {
        recordFailure("expected MySQL error \(code), got \(error)\(why())", file: file, line: line)
    }
    return nil
}

/// Logs in through proxy `proxy` as `login` and expects it to work; the failure message says why the proxy refused.
@discardableResult
public func assertLogin(
    _ sandbox: Sandbox,
    through proxy: String,
    as login: ProxyLogin,
    database: String? = nil,
    tls: Bool = true,
    file: StaticString = #filePath,
    line: UInt = #line
) async -> MariaDBConnection? {
    do {
        return try await sandbox.connect(through: proxy, as: login, database: database, tls: tls)
    } catch {
        recordFailure(
            "\(login) through \(proxy) failed: \(error)\n\(sandbox.explanation(proxy: proxy))",
            file: file,
            line: line
        )
        return nil
    }
}

/// Logs in through proxy `proxy` as `login` and expects MySQL error `code`; returns the reason the proxy logged
/// for refusing it (what the customer never sees: 1045 is all a client gets).
@discardableResult
public func assertLoginRefused(
    _ code: UInt32,
    _ sandbox: Sandbox,
    through proxy: String,
    as login: ProxyLogin,
    database: String? = nil,
    tls: Bool = true,
    file: StaticString = #filePath,
    line: UInt = #line
) async -> String? {
    await assertMySQLError(code, explainedBy: sandbox, file: file, line: line) {
        _ = try await sandbox.connect(through: proxy, as: login, database: database, tls: tls)
    }
    return sandbox.proxy(proxy)?.audit.all.last { $0.user == login.user }?.reason
}
