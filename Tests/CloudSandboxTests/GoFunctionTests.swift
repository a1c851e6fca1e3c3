import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import XCTest

/// A statically linked Go function (CGO_ENABLED=0, as AWS documents Go builds), which resolves names and connects
/// without libc, so the preload library never sees it: under the launcher it resolves the proxy's DNS name through
/// the sandbox's responder, reaches the proxy on port 3306 from its ENI and logs in with an IAM token over TLS
/// trusting the system's roots; from a security group the proxy does not admit, its connection is dropped (a
/// timeout, as in AWS) and the audit log says why.
final class GoFunctionTests: XCTestCase {
    /// The fixture built as `sam build` builds a go1.x function, once per test process.
    private static let binary: Result<String, Error> = Result {
        let output = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cloudsandbox-go-\(getpid())")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "CGO_ENABLED": "0"]) { $1 }
        let source = TopologyTests.root.appendingPathComponent("Fixtures/lambda/go/main.go").path
        let built = try Subprocess.run(["go", "build", "-o", output.appendingPathComponent("bootstrap").path, source], environment: environment)
        guard built.status == 0 else { throw XCTSkip("go build failed (make deps installs golang-go and the Go packages): \(built.stderr)") }
        return output.appendingPathComponent("bootstrap").path
    }

    private func topology(group: String) throws -> (Topology, URL) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/go") else { throw XCTSkip("go is not installed (make deps installs golang-go)") }
        let binary = try Self.binary.get()
        var (topology, folder) = try TopologyLoader.load(path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path)
        topology.functions?.append(Topology.Function(
            name: "items-go", runtime: "provided.al2023", handler: "bootstrap", timeout: 10, role: "app-role",
            environment: ["DB_HOST": "${proxy:app-proxy}", "DB_USER": "app", "DB_NAME": "app"],
            vpc: .init(subnets: ["subnet-app-a"], securityGroups: [group]), command: [binary]))
        return (topology, folder)
    }

    func testAStaticGoBinaryLogsInThroughTheProxyByItsDNSName() async throws {
        let (topology, folder) = try self.topology(group: "sg-function")
        let file = try Subprocess.run(["file", "-L", try Self.binary.get()])
        XCTAssertTrue(file.stdout.contains("statically linked"), file.stdout)
        guard ProcessLauncher.shared.path != nil else { throw XCTSkip(ProcessLauncher.shared.warning ?? "no launcher") }
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let result = try await sandbox.lambda.invoke("items-go", payload: Array("{}".utf8))
            let log = await sandbox.lambda.logs(of: "items-go").joined(separator: "\n")
            XCTAssertNil(result.functionError, String(decoding: result.payload, as: UTF8.self) + "\n" + log)
            XCTAssertEqual(try JSONValue(parsing: result.payload), ["user": "app@%", "runtime": "go"])
            let login = sandbox.proxy("app-proxy")?.audit.all.last
            XCTAssertEqual(login?.outcome, "accepted")
            XCTAssertTrue(login?.reason.contains("assumed-role/app-role/items-go") == true, "\(String(describing: login))")
        }
    }

    func testFromAGroupTheProxyDoesNotAdmitTheConnectionIsDroppedAndExplained() async throws {
        let (topology, folder) = try self.topology(group: "sg-batch")
        guard ProcessLauncher.shared.path != nil else { throw XCTSkip(ProcessLauncher.shared.warning ?? "no launcher") }
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let result = try await sandbox.lambda.invoke("items-go", payload: Array("{}".utf8))
            let message = String(decoding: result.payload, as: UTF8.self)
            XCTAssertEqual(result.functionError, "Unhandled", message)
            XCTAssertTrue(message.contains("i/o timeout"), message)
            let denials = sandbox.network?.deniedConnections ?? []
            XCTAssertTrue(denials.contains { $0.source == "items-go" && $0.explanations.contains { $0.code == "ENI_SG_RULES_MISMATCH" } }, "\(denials)")
        }
    }
}
