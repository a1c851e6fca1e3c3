import CloudSandbox
import Foundation
import SandboxLambda
import SandboxTesting
import XCTest

/// Go functions in the seeds' shape (rdsutils' IAM token, go-sql-driver with tls=true). The default topology's
/// `items-go` is a go1.x function the sandbox builds from main.go as `sam build` does: a static binary, which resolves
/// names and connects without libc, so only the launcher sees it; it resolves the proxy's DNS name through the
/// sandbox's responder, reaches the proxy on 3306 from its ENI and answers its HTTP API route. A cgo build that
/// resolves through libc (GODEBUG=netdns=cgo) but still connects by system call does the same. From a security group
/// the proxy does not admit, the connection is dropped (a timeout, as in AWS) and the audit log and `reach` say why.
final class GoFunctionTests: XCTestCase {
    private static let source = TopologyTests.root.appendingPathComponent("Fixtures/lambda/go")

    /// The fixture built with cgo, once per test process.
    private static let cgoBinary: Result<String, Error> = Result {
        let output = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "cloudsandbox-go-cgo-\(getpid())"
        )
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "CGO_ENABLED": "1"]) { $1 }
        let built = try Subprocess.run(
            [
                "go", "build", "-o", output.appendingPathComponent("main").path,
                source.appendingPathComponent("main.go").path,
            ],
            environment: environment
        )
        guard built.status == 0 else {
            throw XCTSkip("go build failed (make deps installs golang-go and the Go packages): \(built.stderr)")
        }
        return output.appendingPathComponent("main").path
    }

    private func defaultTopology(group: String = "sg-function") throws -> (Topology, URL) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/go") else {
            throw XCTSkip("go is not installed (make deps installs golang-go)")
        }
        guard ProcessLauncher.shared.path != nil else { throw XCTSkip(ProcessLauncher.shared.warning ?? "no launcher") }
        var (topology, folder) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let index = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-go" })
        topology.functions?[index].vpc?.securityGroups = [group]
        return (topology, folder)
    }

    func testTheGo1xFunctionIsBuiltStaticAndLogsInThroughTheProxyByItsDNSName() async throws {
        let (topology, folder) = try self.defaultTopology()
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let (status, body) = try await sandbox.call("app-api", "GET", "/go")
            let log = await sandbox.lambda.logs(of: "items-go").joined(separator: "\n")
            XCTAssertEqual(status, 200, body + "\n" + log)
            XCTAssertEqual(try JSONValue(parsing: Array(body.utf8)), ["user": "app@%", "runtime": "go"])
            let login = sandbox.proxy("app-proxy")?.audit.all.last
            XCTAssertEqual(login?.outcome, "accepted")
            XCTAssertTrue(
                login?.reason.contains("assumed-role/app-role/items-go") == true,
                "\(String(describing: login))"
            )
        }
        // What the sandbox built and ran: the cached executable, found again for the same sources.
        guard
            case let .executable(path, built?) = GoFunctionBuild.resolve(
                folder: Self.source,
                handler: "main",
                environment: ProcessInfo.processInfo.environment
            )
        else {
            return XCTFail("the sandbox built no executable")
        }
        XCTAssertTrue(built.contains("CGO_ENABLED=0 go build"), built)
        let file = try Subprocess.run(["file", "-L", path])
        XCTAssertTrue(file.stdout.contains("statically linked"), file.stdout)
    }

    func testACgoBuildResolvingThroughLibcLogsInToo() async throws {
        var (topology, folder) = try self.defaultTopology()
        let binary = try Self.cgoBinary.get()
        let file = try Subprocess.run(["file", "-L", binary])
        XCTAssertTrue(file.stdout.contains("dynamically linked"), file.stdout)
        let index = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-go" })
        topology.functions?[index].command = [binary]
        topology.functions?[index].runtime = "provided.al2023"
        topology.functions?[index].environment?["GODEBUG"] = "netdns=cgo"
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let (status, body) = try await sandbox.call("app-api", "GET", "/go")
            let log = await sandbox.lambda.logs(of: "items-go").joined(separator: "\n")
            XCTAssertEqual(status, 200, body + "\n" + log)
            XCTAssertEqual(try JSONValue(parsing: Array(body.utf8)), ["user": "app@%", "runtime": "go"])
        }
    }

    func testFromAGroupTheProxyDoesNotAdmitTheConnectionIsDroppedAndExplained() async throws {
        let (topology, folder) = try self.defaultTopology(group: "sg-batch")
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            try await self.assertDialTimesOut(
                in: sandbox,
                droppedFrom: "items-go",
                explainedBy: "ENI_SG_RULES_MISMATCH"
            )
            let reach = try XCTUnwrap(sandbox.reach(from: "items-go", to: "app-proxy", port: 3306))
            XCTAssertFalse(reach.isReachable)
            XCTAssertTrue(
                reach.explanations.contains {
                    $0.code == "ENI_SG_RULES_MISMATCH" && $0.description.contains("sg-proxy")
                },
                "\(reach.explanations)"
            )
        }
    }

    /// The same binary outside every VPC: the proxy has only a private address, so the dial times out as in AWS.
    func testOutsideTheVPCTheDialTimesOut() async throws {
        var (topology, folder) = try self.defaultTopology()
        let index = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-go" })
        topology.functions?[index].vpc = nil
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            try await self.assertDialTimesOut(in: sandbox, droppedFrom: "function items-go", explainedBy: "NO_PATH")
        }
    }

    /// items-go's invocation fails with go-sql-driver's dial timeout, and the network recorded the dropped connection
    /// from `source` with `code`.
    private func assertDialTimesOut(
        in sandbox: Sandbox,
        droppedFrom source: String,
        explainedBy code: String
    ) async throws {
        let result = try await sandbox.lambda.invoke("items-go", payload: Array("{}".utf8))
        let message = String(decoding: result.payload, as: UTF8.self)
        XCTAssertEqual(result.functionError, "Unhandled", message)
        XCTAssertTrue(message.contains("i/o timeout"), message)
        let denials = sandbox.network?.deniedConnections ?? []
        XCTAssertTrue(
            denials.contains { $0.source == source && $0.explanations.contains { $0.code == code } },
            "\(denials)"
        )
    }

    /// A go1.x folder with neither the executable nor Go sources answers as Lambda does a handler it cannot start.
    func testAFolderWithoutMainOrSourcesSaysWhatToBuild() async throws {
        var (topology, folder) = try TopologyLoader.load(
            path: TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        )
        let index = try XCTUnwrap(topology.functions?.firstIndex { $0.name == "items-go" })
        topology.functions?[index].workingDirectory = "../Fixtures/lambda"
        try await withSandbox(topology, baseDirectory: folder) { sandbox in
            let result = try await sandbox.lambda.invoke("items-go", payload: Array("{}".utf8))
            let error = try JSONValue(parsing: result.payload)
            XCTAssertEqual(result.functionError, "Unhandled")
            XCTAssertEqual(error["errorType"], "Runtime.InvalidEntrypoint")
            XCTAssertTrue(
                error["errorMessage"]?.stringValue?.contains("its handler 'main' is not in the code folder") == true,
                "\(error)"
            )
        }
    }
}
