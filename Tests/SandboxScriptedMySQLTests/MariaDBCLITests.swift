import Foundation
import SandboxMariaDBClient
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// The `mariadb` command-line client against the scripted server, as people use it.
final class MariaDBCLITests: XCTestCase {
    static func mariadb(_ arguments: [String]) async throws -> Subprocess.Result {
        try await Subprocess.runOffThread(
            ["/usr/bin/mariadb", "--no-defaults", "--batch", "--skip-column-names", "--connect-timeout=5"] + arguments
        )
    }

    func testEachPluginAndTheErrorsPeopleSee() async throws {
        try XCTSkipUnless(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/mariadb"),
            "mariadb-client is not installed; run `make deps`"
        )
        let rules = try ScriptFile.load(path: TestServer.fixtures.appendingPathComponent("scripts/faults.yaml").path)
        let server = try await TestServer.start { $0.rules = rules }
        addTeardownBlock { await server.shutdown() }
        let address = ["-h", server.host, "-P", String(server.port)]
        let tls = ["--ssl", "--ssl-ca=\(TestServer.caFile)", "--ssl-verify-server-cert"]

        let native = try await Self.mariadb(
            address + ["-u", "native", "-pnative-pw", "app", "-e", "SELECT email FROM users ORDER BY id"]
        )
        XCTAssertEqual(native.status, 0, native.stderr)
        XCTAssertEqual(native.stdout, "ada@example.com\nalan@example.com\ngrace@example.com\n")

        let sha2 = try await Self.mariadb(
            address + tls + [
                "-u", "sha2", "-psha2-pw", "app", "-e", "SELECT CURRENT_USER(); SHOW STATUS LIKE 'Ssl_cipher'",
            ]
        )
        XCTAssertEqual(sha2.status, 0, sha2.stderr)
        XCTAssertTrue(sha2.stdout.hasPrefix("sha2@%\n"), sha2.stdout)

        let clear = try await Self.mariadb(
            address + tls + ["--enable-cleartext-plugin", "-u", "clear", "-pclear-pw", "-e", "SELECT 1"]
        )
        XCTAssertEqual(clear.status, 0, clear.stderr)

        let denied = try await Self.mariadb(address + ["-u", "native", "-pwrong", "-e", "SELECT 1"])
        XCTAssertEqual(denied.status, 1)
        XCTAssertTrue(
            denied.stderr.contains(
                "ERROR 1045 (28000): Access denied for user 'native'@'127.0.0.1' (using password: YES)"
            ),
            denied.stderr
        )

        let unknown = try await Self.mariadb(address + ["-u", "native", "-pnative-pw", "nowhere", "-e", "SELECT 1"])
        XCTAssertTrue(unknown.stderr.contains("ERROR 1049 (42000): Unknown database 'nowhere'"), unknown.stderr)

        let deadlock = try await Self.mariadb(
            address + ["-u", "native", "-pnative-pw", "app", "-e", "SELECT * FROM inventory"]
        )
        XCTAssertTrue(deadlock.stderr.contains("ERROR 1213 (40001)"), deadlock.stderr)

        let wrongCA = try await Self.mariadb(
            address + [
                "--ssl", "--ssl-ca=\(TestServer.otherCAFile)", "--ssl-verify-server-cert",
                "-u", "native", "-pnative-pw", "-e", "SELECT 1",
            ]
        )
        XCTAssertTrue(wrongCA.stderr.contains("ERROR 2026"), wrongCA.stderr)
    }
}
