import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import SandboxVirtualNetwork
import XCTest

/// What a process function inherits and what it cannot disturb, under the launcher and under the preload library
/// alone: it starts with no signal blocked (as Lambda's processes do, so SIGTERM stops it at once); a child it spawns
/// shares its network view (the proxy's DNS name, its ENI as the source); and descriptors it closes or reuses in the
/// middle of a connect confuse neither it nor another function.
final class ProcessFunctionIsolationTests: XCTestCase {
    private func topology() throws -> (Topology, URL) {
        var (topology, folder) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let python = try XCTUnwrap(topology.functions?.first { $0.name == "items-python" })
        for launcher in ["on", "off"] {
            var view = python
            view.name = "view-\(launcher)"
            view.command = ["python3", "-m", "awslambdaric", "process_view.handler"]
            view.timeout = 60
            if launcher == "off" { view.environment?["CLOUDSANDBOX_LAUNCHER"] = "off" }
            topology.functions?.append(view)
        }
        return (topology, folder)
    }

    private func view(_ sandbox: Sandbox, _ name: String, _ event: String = "{}") async throws -> JSONValue {
        let result = try await sandbox.lambda.invoke(name, payload: Array(event.utf8))
        let log = await sandbox.lambda.logs(of: name).joined(separator: "\n")
        XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self) + "\n" + log)
        return try JSONValue(parsing: result.payload)
    }

    private func assertChildSharesTheView(
        _ answer: JSONValue,
        _ name: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let eni = answer["eni"]?.stringValue
        XCTAssertNotNil(eni, "\(name): \(answer)", file: file, line: line)
        XCTAssertNotEqual(eni, "127.0.0.1", file: file, line: line)
        XCTAssertEqual(
            answer["child_source"]?.stringValue,
            eni,
            "\(name): the child connects from the function's ENI: \(answer)",
            file: file,
            line: line
        )
        XCTAssertEqual(
            answer["child_greeting_protocol"]?.numberValue,
            10,
            "\(name): the child reached the proxy (protocol 10 greeting): \(answer)",
            file: file,
            line: line
        )
    }

    func testAFunctionStartsWithNoSignalBlockedAndItsChildrenShareItsNetworkView() async throws {
        let (topology, folder) = try self.topology()
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            var resolved: [String: JSONValue] = [:]
            for name in ["view-on", "view-off"] {
                if name == "view-on", ProcessLauncher.shared.path == nil { continue }
                let answer = try await self.view(sandbox, name)
                XCTAssertEqual(answer["blocked_signals"]?.numberValue, 0, "\(name): \(answer)")
                self.assertChildSharesTheView(answer, name)
                resolved[name] = answer["resolved"]
            }
            // Side by side: the launcher and the preload library alone resolve the proxy's name to the same address.
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["app-proxy"]?.host)
            for (name, addresses) in resolved { XCTAssertEqual(addresses, [.string(proxy)], name) }
        }
    }

    /// A name the sandbox does not hold is NXDOMAIN inside the function, or, with `network.dnsForwarder`, the answer of
    /// that server (here another responder on loopback, standing for the VPC's upstream resolver).
    func testOtherNamesAreRefusedOrForwardedAsTheNetworkSays() async throws {
        guard ProcessLauncher.shared.path != nil else { throw XCTSkip(ProcessLauncher.shared.warning ?? "no launcher") }
        let upstream = try await DNSResponder(host: "127.0.0.1") { $0 == "api.partner.example" ? "127.66.0.1" : nil }
        addTeardownBlock { await upstream.close() }
        var (topology, folder) = try self.topology()
        let lookup = #"{"lookup": "api.partner.example"}"#
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let refused = try await self.view(sandbox, "view-on", lookup)
            XCTAssertEqual(refused, ["lookup": "EAI_NONAME"])
        }
        topology.network?.dnsForwarder = "127.0.0.1:\(upstream.port)"
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let forwarded = try await self.view(sandbox, "view-on", lookup)
            XCTAssertEqual(forwarded, ["lookup": ["127.66.0.1"]])
        }
    }

    func testDescriptorsReusedMidConnectConfuseNeitherTheFunctionNorAnother() async throws {
        guard ProcessLauncher.shared.path != nil else { throw XCTSkip(ProcessLauncher.shared.warning ?? "no launcher") }
        let (topology, folder) = try self.topology()
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            async let odd = sandbox.lambda.invoke("view-on", payload: Array(#"{"odd_descriptors": 150}"#.utf8))
            for _ in 0..<10 {
                let (status, body) = try await sandbox.call("app-api", "GET", "/python")
                XCTAssertEqual(status, 200, body)
            }
            let result = try await odd
            XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self))
            let answer = try JSONValue(parsing: result.payload)
            let races = answer["races"]?.objectValue?.values.compactMap(\.numberValue).reduce(0, +)
            XCTAssertEqual(races, 150, "every raced connect ended: \(answer)")
            self.assertChildSharesTheView(answer, "view-on after the races")
        }
    }
}
