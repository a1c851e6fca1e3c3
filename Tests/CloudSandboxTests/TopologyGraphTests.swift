import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

/// `sandbox graph`: the default topology's paths with the blocked ones and why, as DOT, and as SVG through dot.
final class TopologyGraphTests: XCTestCase {
    func testTheDefaultTopologysPathsAndPicture() throws {
        let (topology, _) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let graph = try TopologyGraph(topology)
        let blocked = graph.paths.filter { $0.blocked != nil }
        XCTAssertEqual(blocked.map { "\($0.from) → \($0.to)" }, ["batch-job → app-db", "batch-job → app-proxy"])
        XCTAssertTrue(blocked.allSatisfy { $0.blocked?.hasPrefix("ENI_SG_RULES_MISMATCH: ") == true }, "\(blocked)")
        XCTAssertTrue(graph.paths.contains(Self.open("items-iam", "app-proxy", "tcp/3306")))
        XCTAssertTrue(graph.paths.contains(Self.open("app-proxy", "app-db", "tcp/3306")))
        XCTAssertTrue(
            graph.paths.contains(
                Self.open("items-password", "aws:secretsmanager", "tcp/443 through vpce-secrets (private DNS)")
            )
        )
        XCTAssertTrue(graph.paths.contains(Self.open("api:app-api", "items-iam", "GET /iam")))
        let dot = graph.dot
        XCTAssertTrue(dot.hasPrefix("digraph topology {"))
        XCTAssertTrue(dot.contains(#"subgraph "cluster_subnet-db-b" { label="subnet-db-b 10.0.2.0/24""#), dot)
        XCTAssertTrue(dot.contains(#""app-db" [shape=cylinder, label="app-db\n10.0.2.4 sg-db"];"#), dot)
        XCTAssertTrue(dot.contains(##""batch-job" -> "app-db" [color="#c0392b""##), dot)

        // A function moved out of the VPC: its path to the proxy is drawn blocked, with the reason.
        var outside = topology
        outside.functions?[0].vpc = nil
        let moved = try TopologyGraph(outside).paths.first { $0.from == "items-iam" && $0.to == "app-proxy" }
        XCTAssertEqual(moved?.blocked, "NO_PATH: items-iam is outside every VPC; app-proxy has only a private address")
    }

    func testTheCommandDrawsSVGWithGraphviz() async throws {
        let executable = try XCTUnwrap(SandboxCLITests.executable, "build the sandbox executable first (swift build)")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") else {
            throw XCTSkip("Graphviz's dot is not installed (make deps installs it)")
        }
        let file = NSTemporaryDirectory() + "cloudsandbox-graph-\(UUID().uuidString.prefix(8)).svg"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let topology = TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        let drawn = try await Subprocess.runOffThread([executable, "graph", topology, "--svg", file])
        XCTAssertEqual(drawn.status, 0, drawn.stderr)
        XCTAssertEqual(drawn.stdout, "wrote \(file) (2 blocked of 17 paths)\n")
        let svg = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg") && svg.contains("RDS Proxy app&#45;proxy"), String(svg.prefix(500)))
        let listed = try await Subprocess.runOffThread([executable, "graph", topology, "--paths"])
        XCTAssertEqual(listed.status, 1, "a blocked path exits 1")
        XCTAssertTrue(
            listed.stdout.contains("blocked batch-job → app-db tcp/3306: ENI_SG_RULES_MISMATCH"),
            listed.stdout
        )
    }

    static func open(_ from: String, _ to: String, _ label: String) -> TopologyGraph.Path {
        .init(from: from, to: to, label: label, blocked: nil)
    }
}
