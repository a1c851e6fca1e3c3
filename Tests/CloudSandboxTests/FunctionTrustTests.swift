import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import XCTest

/// A function that trusts "the system's store" (Python's `ssl.create_default_context()`, Go's `tls=true`, Node's
/// default) verifies the proxy's certificate, as Lambda's image holds Amazon's roots; an instance's certificate,
/// signed by the RDS CA, verifies only against the RDS bundle given explicitly, as in AWS.
final class FunctionTrustTests: XCTestCase {
    private func defaultTopology(python environment: [String: String]) throws -> (Topology, URL) {
        var (topology, folder) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let index = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-python" })
        topology.functions?[index].environment = environment
        return (topology, folder)
    }

    func testTheSystemStoreVerifiesTheProxyButNotAnInstance() async throws {
        let (proxied, folder) = try self.defaultTopology(python: [
            "DB_HOST": "${proxy:app-proxy}", "DB_PORT": "3306", "DB_USER": "app",
        ])
        try await withSandbox(proxied, baseDirectory: folder) { sandbox in
            let (status, body) = try await sandbox.call("app-api", "GET", "/python")
            let log = await sandbox.lambda.logs(of: "items-python").suffix(20).joined(separator: "\n")
            XCTAssertEqual(status, 200, "\(body)\n\(log)")
            XCTAssertTrue(body.contains(#""runtime": "python""#), body)
        }
        let (direct, _) = try self.defaultTopology(python: [
            "DB_HOST": "${database:app-db}", "DB_PORT": "3306", "DB_USER": "app",
        ])
        try await withSandbox(direct, baseDirectory: folder) { sandbox in
            let (status, _) = try await sandbox.call("app-api", "GET", "/python")
            XCTAssertEqual(status, 502)
            let log = await sandbox.lambda.logs(of: "items-python").joined(separator: "\n")
            XCTAssertTrue(log.contains("CERTIFICATE_VERIFY_FAILED"), log)
        }
    }

    /// A Node.js handler with the mysql package, in the VPC: the proxy's DNS name on port 3306 (the preload library),
    /// TLS verified with Node's own CAs plus the proxy CA (`NODE_EXTRA_CA_CERTS`).
    func testANodeHandlerWithTheMySQLPackageLogsInThroughTheProxy() async throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/nodejs/mysql/index.js") else {
            throw XCTSkip("Debian's node-mysql is not installed (make deps installs it)")
        }
        var (topology, folder) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let python = try XCTUnwrap(topology.functions?.first { $0.name == "items-python" })
        topology.functions?.append(
            Topology.Function(
                name: "orders-node",
                runtime: "nodejs20.x",
                handler: "orders.handler",
                timeout: 10,
                role: python.role,
                environment: [
                    "DB_HOST": "${proxy:app-proxy}", "DB_USER": "admin", "DB_PASSWORD": "admin-Passw0rd",
                    "NODE_PATH": "/usr/share/nodejs",
                ],
                vpc: python.vpc,
                workingDirectory: "../Fixtures/lambda/node"
            )
        )
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let result = try await sandbox.lambda.invoke("orders-node", payload: Array("{}".utf8))
            let log = await sandbox.lambda.logs(of: "orders-node").suffix(20).joined(separator: "\n")
            XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self) + "\n" + log)
            let answer = try JSONValue(parsing: result.payload)
            XCTAssertEqual(
                try JSONValue(parsing: Array((answer["body"]?.stringValue ?? "").utf8)),
                ["user": "admin@%", "runtime": "node"]
            )
        }
    }
}
