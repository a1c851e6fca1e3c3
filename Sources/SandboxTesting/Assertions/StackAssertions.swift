import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxVirtualNetwork

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Expects the network to carry TCP `port` from `source` (a database, host, function, proxy or `operator`) to
/// `destination`; the failure message is the reachability analysis.
public func assertReachable(
    _ sandbox: Sandbox,
    from source: String,
    to destination: String,
    port: Int = 3306,
    file: StaticString = #filePath,
    line: UInt = #line
) {
    guard let result = sandbox.reach(from: source, to: destination, port: port) else {
        return recordFailure(
            "no network path to analyse from \(source) to \(destination) (no network, or unknown names)",
            file: file,
            line: line
        )
    }
    if !result.isReachable { recordFailure("expected a path, found none:\n\(result)", file: file, line: line) }
}

/// Expects the network to block TCP `port` from `source` to `destination` (for the reason `code`, e.g.
/// ENI_SG_RULES_MISMATCH, NO_PATH); returns the analysis.
@discardableResult
public func assertBlocked(
    _ sandbox: Sandbox,
    from source: String,
    to destination: String,
    port: Int = 3306,
    because code: String? = nil,
    file: StaticString = #filePath,
    line: UInt = #line
) -> Reachability? {
    guard let result = sandbox.reach(from: source, to: destination, port: port) else {
        recordFailure(
            "no network path to analyse from \(source) to \(destination) (no network, or unknown names)",
            file: file,
            line: line
        )
        return nil
    }
    if result.isReachable {
        recordFailure(
            "expected \(source) to be blocked from \(destination):\(port), but \(result)",
            file: file,
            line: line
        )
    } else if let code, !result.explanations.contains(where: { $0.code == code }) {
        recordFailure("blocked, but not for \(code):\n\(result)", file: file, line: line)
    }
    return result
}

/// Checks proxy `proxy`'s target health now and expects `state` (`.available`, `.unavailable`) and, if given,
/// `reason` (`.authFailure`, `.unreachable`, `.connectionFailed`), as DescribeDBProxyTargets would show them.
public func assertTargetHealth(
    _ sandbox: Sandbox,
    proxy: String,
    _ state: TargetHealthState,
    reason: TargetHealthReason? = nil,
    file: StaticString = #filePath,
    line: UInt = #line
) async {
    guard let server = sandbox.proxy(proxy) else {
        return recordFailure("no proxy '\(proxy)' in this sandbox", file: file, line: line)
    }
    let health = await server.checkTargetHealth()
    if health.state != state || (reason.map { $0 != health.reason } ?? false) {
        recordFailure(
            "expected target health \(state.rawValue)\(reason.map { " (\($0.rawValue))" } ?? ""), got \(health.text)",
            file: file,
            line: line
        )
    }
}

/// Calls `method path` on HTTP API `api` and expects `status` (and a body containing `bodyContains`); the failure
/// message adds the function logs' last lines and the sandbox's explanation. Returns the body.
@discardableResult
public func assertRoute(
    _ sandbox: Sandbox,
    _ api: String,
    _ method: String,
    _ path: String,
    status: Int,
    bodyContains: String? = nil,
    file: StaticString = #filePath,
    line: UInt = #line
) async -> String? {
    do {
        let (got, body) = try await sandbox.call(api, method, path)
        if got != status || (bodyContains.map { !body.contains($0) } ?? false) {
            recordFailure(
                "\(method) \(path) answered \(got) \(body.prefix(300)), expected \(status)"
                    + (bodyContains.map { " with '\($0)'" } ?? "") + "\n\(sandbox.explanation())",
                file: file,
                line: line
            )
        }
        return body
    } catch {
        recordFailure("\(method) \(path) failed: \(error)", file: file, line: line)
        return nil
    }
}
