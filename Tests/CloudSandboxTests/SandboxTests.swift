import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxSigV4
import SandboxTesting
import XCTest

/// Sandboxes started from Swift values and from the command line, reached by real clients.
final class SandboxTests: XCTestCase {
    static func topology(tls: Topology.DatabaseInstance.TLSMode = .optional) -> Topology {
        Topology(databases: [
            .init(
                id: "orders-db",
                users: [.init(name: "app", password: "app-pw", plugin: .nativePassword)],
                databases: ["shop"],
                tls: tls
            )
        ])
    }

    func testTwoSandboxesSideBySideWithTheirOwnAddressesAndCertificates() async throws {
        let first = try await Sandbox.start(Self.topology())
        let second = try await Sandbox.start(Self.topology(tls: .required))
        try await withSandbox(first) { first in
            try await withSandbox(second) { second in
                let a = try XCTUnwrap(first.endpoints.databases["orders-db"])
                let b = try XCTUnwrap(second.endpoints.databases["orders-db"])
                XCTAssertNotEqual(a.host, b.host)
                XCTAssertTrue(a.host.hasPrefix("127.") && a.host != "127.0.0.1")
                XCTAssertTrue(a.endpoint.hasSuffix(".us-east-1.rds.amazonaws.com"), a.endpoint)

                let plain = try await MariaDB.offload {
                    try MariaDBConnection(
                        .init(host: a.host, port: a.port, user: "app", password: "app-pw", database: "shop")
                    )
                }
                _ = try await MariaDB.offload { try plain.query("CREATE TABLE items (id INT)") }
                // The second sandbox requires TLS and verifies against its own CA bundle, not the first one's.
                do {
                    _ = try await MariaDB.offload {
                        try MariaDBConnection(.init(host: b.host, port: b.port, user: "app", password: "app-pw"))
                    }
                    XCTFail("plain connections to a TLS-required instance are refused")
                } catch let error as MariaDBError {
                    XCTAssertEqual(error.code, 3159)
                }
                let tls = try await MariaDB.offload {
                    try MariaDBConnection(
                        .init(
                            host: b.host,
                            port: b.port,
                            user: "app",
                            password: "app-pw",
                            database: "shop",
                            caFile: b.caBundle
                        )
                    )
                }
                let tables = try await MariaDB.offload { try tls.query("SHOW TABLES").rows }
                XCTAssertEqual(tables, [], "each sandbox has its own data")
                do {
                    _ = try await MariaDB.offload {
                        try MariaDBConnection(
                            .init(host: b.host, port: b.port, user: "app", password: "app-pw", caFile: a.caBundle)
                        )
                    }
                    XCTFail("another sandbox's CA must not verify this one")
                } catch let error as MariaDBError {
                    XCTAssertEqual(error.code, 2026)
                }
            }
        }
    }

    func testSandboxUpWritesEndpointsServesTheCLIAndStopsOnSandboxDown() async throws {
        let binary = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("sandbox").path
        let fallback = TopologyTests.root.appendingPathComponent(".build/debug/sandbox").path
        let executable = FileManager.default.isExecutableFile(atPath: binary) ? binary : fallback
        try XCTSkipUnless(
            FileManager.default.isExecutableFile(atPath: executable),
            "build the sandbox executable first (swift build)"
        )
        let state = NSTemporaryDirectory() + "cloudsandbox-cli-\(UUID().uuidString.prefix(8))"
        let endpointsFile = state + "/endpoints.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "up", TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path,
            "--endpoints-file", endpointsFile, "--state-directory", state, "--state", state + "/audit.db",
            "--log-level", "warning",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        try await waitUntil("the endpoints file appears (once everything listens)", within: .seconds(30)) {
            (try? Endpoints.read(from: endpointsFile)) != nil
        }
        let endpoints = try Endpoints.read(from: endpointsFile)
        let database = try XCTUnwrap(endpoints.databases["app-db"])
        let password = try XCTUnwrap(database.users["app"])
        let rows = try await MariaDB.offload {
            try MariaDBConnection(
                .init(
                    host: database.host,
                    port: database.port,
                    user: "app",
                    password: password,
                    database: "app",
                    caFile: database.caBundle
                )
            ).query("SELECT name FROM users WHERE id = 1").rows
        }
        XCTAssertEqual(rows, [["Ada"]])
        // Through the RDS Proxy with an IAM token made from the endpoints file's app-role credentials.
        let proxy = try XCTUnwrap(endpoints.proxies?["app-proxy"])
        let role = try XCTUnwrap(endpoints.credentials?["app-role"])
        let token = RDSAuthToken.generate(
            host: proxy.endpoint,
            port: 3306,
            region: "us-east-1",
            user: "app",
            credentials: AWSCredentials(
                accessKeyID: role.accessKeyId,
                secretAccessKey: role.secretAccessKey,
                sessionToken: role.sessionToken
            )
        )
        let proxied = try await MariaDB.offload {
            try MariaDBConnection(
                .init(
                    host: proxy.host,
                    port: proxy.port,
                    user: "app",
                    password: token,
                    database: "app",
                    tls: true,
                    caFile: proxy.caBundle
                )
            ).query("SELECT COUNT(*) FROM users").rows
        }
        XCTAssertEqual(proxied, [["3"]])
        // The audit log's file, read with the sqlite3 CLI while the sandbox runs (written in batches, within
        // milliseconds); a second sandbox on it is refused.
        try await waitUntil("the sqlite3 CLI sees the login") {
            try await Subprocess.runOffThread([
                "sqlite3", state + "/audit.db", "SELECT subject, outcome FROM events WHERE kind = 'login'",
            ]).stdout != ""
        }
        let audit = try await Subprocess.runOffThread([
            "sqlite3", state + "/audit.db", "SELECT subject, outcome FROM events WHERE kind = 'login'",
        ])
        XCTAssertEqual(audit.stdout, "app|accepted\n", audit.stderr)
        let second = try await Subprocess.runOffThread([
            executable, "up", TopologyTests.root.appendingPathComponent("Sandbox/default.yaml").path,
            "--endpoints-file", state + "/second.json", "--state", state + "/audit.db",
        ])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(
            second.stderr.contains("is in use by another sandbox (pid \(process.processIdentifier))"),
            second.stderr
        )
        let attributes = try FileManager.default.attributesOfItem(atPath: endpointsFile)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "the file holds passwords")

        let status = try await Subprocess.runOffThread([executable, "status", "--endpoints-file", endpointsFile])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(
            status.stdout.hasPrefix("state      running\npid        \(process.processIdentifier), since "),
            status.stdout
        )
        XCTAssertTrue(
            status.stdout.hasSuffix("holds      1 instances, 0 clusters, 1 proxies, 5 functions, 1 apis\n"),
            status.stdout
        )
        let statusJSON = try await Subprocess.runOffThread([
            executable, "status", "--json", "--endpoints-file", endpointsFile,
        ])
        XCTAssertTrue(statusJSON.stdout.hasPrefix("{\"apis\":1,\"clusters\":0,"), statusJSON.stdout)
        // `sandbox down`: SIGTERM to the process, its graceful shutdown, as Ctrl-C's.
        let down = try await Subprocess.runOffThread([executable, "down", "--endpoints-file", endpointsFile])
        XCTAssertEqual(down.stdout, "stopped (pid \(process.processIdentifier))\n", down.stderr)
        let exited = try await MariaDB.offload { () -> Int32 in
            process.waitUntilExit()
            return process.terminationStatus
        }
        XCTAssertEqual(exited, 0)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: endpointsFile),
            "a stopped sandbox removes its endpoints file"
        )
        let stopped = try await Subprocess.runOffThread([executable, "status", "--endpoints-file", endpointsFile])
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stdout.hasPrefix("state   not running\nreason  no endpoints file at "), stopped.stdout)
        let again = try await Subprocess.runOffThread([executable, "down", "--endpoints-file", endpointsFile])
        XCTAssertEqual(again.status, 1)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("database app-db: \(database.host):\(database.port)"), printed)
        XCTAssertFalse(printed.contains(password), "passwords are never printed")
        XCTAssertTrue(printed.contains("AWS endpoint: \(try XCTUnwrap(endpoints.aws?.endpoint))"), printed)
        for (name, credentials) in endpoints.credentials ?? [:] {
            XCTAssertFalse(printed.contains(credentials.secretAccessKey), "the secret key of \(name) is never printed")
        }
        try? FileManager.default.removeItem(atPath: state)
    }
}
