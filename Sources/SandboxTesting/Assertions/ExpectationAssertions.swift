import SandboxScriptedMySQL

/// Expects every statement `server`'s expectations named to have come, and nothing they did not name.
public func assertExpectationsMet(_ server: ScriptedMySQLServer, file: StaticString = #filePath, line: UInt = #line) {
    let failures = server.expectationFailures
    if !failures.isEmpty {
        recordFailure(
            "the database did not see what the test expected:\n" + failures.joined(separator: "\n"),
            file: file,
            line: line
        )
    }
}
