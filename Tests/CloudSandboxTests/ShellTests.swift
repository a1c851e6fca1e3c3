import Foundation
import SandboxTesting
import XCTest

/// `sandbox shell` driven through tmux as a person would: start, `describe targets`, `sql`, `reach`, a typo, Tab
/// completion, `exit`; the screen read back with capture-pane.
final class ShellTests: XCTestCase {
    func testTheShellThroughTmux() async throws {
        let executable = try XCTUnwrap(SandboxCLITests.executable, "build the sandbox executable first (swift build)")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (make deps installs it)")
        }
        let session = "cloudsandbox-\(UUID().uuidString.prefix(8))"
        let endpoints = NSTemporaryDirectory() + "\(session).json"
        let topology = TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path
        let tmux = { (arguments: [String]) in try await Subprocess.runOffThread(["tmux"] + arguments) }
        _ = try await tmux([
            "new-session", "-d", "-s", session, "-x", "200", "-y", "80",
            "\(executable) shell \(topology) --endpoints-file \(endpoints); sleep 60",
        ])
        defer { _ = try? Subprocess.run(["tmux", "kill-session", "-t", session]) }
        func screen() async throws -> String {
            try await tmux(["capture-pane", "-t", session, "-p", "-S", "-200"]).stdout
        }
        func waitFor(_ text: String) async throws {
            for _ in 0..<150 {
                if try await screen().contains(text) { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            XCTFail("no '\(text)' on the screen:\n\(try await screen())")
        }
        func type(_ keys: String...) async throws { _ = try await tmux(["send-keys", "-t", session] + keys) }

        try await waitFor("`help` lists the commands, `exit` stops it")
        try await type("describe targets", "Enter")
        try await waitFor("app-proxy  app-db  AVAILABLE")
        try await type("sql app-proxy --user app --as app-role -e 'SELECT CURRENT_USER()'", "Enter")
        try await waitFor("app@%")
        try await type("reach batch-job app-db 3306", "Enter")
        try await waitFor("ENI_SG_RULES_MISMATCH: sg-db admits tcp/3306 only from sg-proxy, sg-function, sg-operator")
        try await type("descirbe", "Enter")
        try await waitFor("unknown command 'descirbe'; did you mean describe?")
        try await type("sql app-proxy --user app --as password-function-role -e 'SELECT 1'", "Enter")
        try await waitFor("ERROR 1045 (28000): Access denied for user 'app'@'%'")
        try await type("fail", "Tab")
        try await waitFor("sandbox> failover")  // completed (capture-pane drops the trailing space)
        try await type("C-u")
        try await type("Up", "Up", "Enter")  // history: two lines back, the typo again
        try await waitFor("did you mean describe?\nsandbox> sql app-proxy --user app --as password-function-role")
        var shown = ""
        for _ in 0..<50 {
            shown = try await screen()
            if shown.components(separatedBy: "unknown command 'descirbe'").count >= 3 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(shown.components(separatedBy: "unknown command 'descirbe'").count, 3, shown)
        try await type("exit", "Enter")
        try await waitFor("stopped")
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: endpoints),
            "the shell stops the sandbox it started and removes its endpoints file"
        )
    }
}
