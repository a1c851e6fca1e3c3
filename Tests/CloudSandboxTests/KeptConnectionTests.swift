import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import XCTest

/// The built-in SQL function keeping its connection across warm invocations (`keepConnection: true`), as customers'
/// code keeping it in a global does, beside the default login per invocation; counted in the proxy's login decisions.
final class KeptConnectionTests: XCTestCase {
    /// `file` with every built-in SQL function running `SELECT 1 AS one`, and items-iam keeping its connection.
    private func start(_ file: String) async throws -> Sandbox {
        var (topology, base) = try TopologyLoader.load(path: TopologyTests.root.appendingPathComponent(file).path)
        for index in (topology.functions ?? []).indices where topology.functions?[index].builtin?.sql != nil {
            topology.functions?[index].builtin?.sql?.statements = [.init(sql: "SELECT 1 AS one")]
        }
        let iam = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-iam" })
        topology.functions?[iam].builtin?.sql?.keepConnection = true
        return try await Sandbox.start(topology, baseDirectory: base)
    }

    func testAKeptConnectionServesWarmInvocationsAndIsReplacedOnceClosed() async throws {
        try await withSandbox(try await self.start("Sandbox/default.yaml")) { sandbox in
            let proxy = try XCTUnwrap(sandbox.proxy("app-proxy"))
            let logins = { (user: String) in proxy.audit.all.filter { $0.user == user }.count }
            for _ in 0..<3 {
                let result = try await sandbox.lambda.invoke("items-iam", payload: [])
                XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self))
                XCTAssertEqual(result.answer?["rows"]?.arrayValue?.first?["one"]?.intValue, 1)
            }
            XCTAssertEqual(logins("app"), 1, "three warm invocations, one login: \(proxy.audit.all)")
            let clients = await proxy.statistics().clientConnections
            XCTAssertEqual(clients, 1, "the kept connection stays open between invocations")

            // The default: each invocation logs in and closes.
            for _ in 0..<2 {
                let result = try await sandbox.lambda.invoke("items-password", payload: [])
                XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self))
            }
            XCTAssertEqual(logins("admin"), 2, "\(proxy.audit.all)")

            // The proxy closes it (as after its idle client timeout): the next invocation logs in again.
            await proxy.closeAllClients()
            try await waitUntil("the proxy has no clients") { await proxy.statistics().clientConnections == 0 }
            let again = try await sandbox.lambda.invoke("items-iam", payload: [], tail: true)
            XCTAssertNil(again.functionError, String(decoding: again.payload, as: UTF8.self))
            let log = String(decoding: Data(base64Encoded: again.logResult ?? "") ?? Data(), as: UTF8.self)
            XCTAssertTrue(log.contains("was closed; logging in again"), log)
            XCTAssertEqual(logins("app"), 2)

            // The environment ends with Lambda: what it kept is closed.
            await sandbox.lambda.shutdown()
            try await waitUntil("the kept connection is closed") {
                await proxy.statistics().clientConnections == 0
            }
        }
    }

    func testOnPostgreSQLTooOneLoginServesWarmInvocations() async throws {
        try await withSandbox(try await self.start("Sandbox/postgres.yaml")) { sandbox in
            let proxy = try XCTUnwrap(sandbox.postgresProxy("items-proxy"))
            for _ in 0..<3 {
                let result = try await sandbox.lambda.invoke("items-iam", payload: [])
                XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self))
                XCTAssertEqual(result.answer?["rows"]?.arrayValue?.first?["one"]?.intValue, 1)
            }
            XCTAssertEqual(proxy.audit.all.filter { $0.user == "app" }.count, 1, "\(proxy.audit.all)")
        }
    }
}
