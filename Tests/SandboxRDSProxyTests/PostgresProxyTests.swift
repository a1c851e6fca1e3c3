import Foundation
import NIOConcurrencyHelpers
import SandboxPostgresNIO
import SandboxPostgresWire
import SandboxRDSProxy
import SandboxTesting
import XCTest

/// RDS Proxy for PostgreSQL with psql (libpq) and the sandbox's own client: IAM tokens over TLS, SCRAM and MD5
/// passwords checked against the secrets, each refusal in RDS Proxy's words, pinning as AWS lists it for PostgreSQL,
/// and clients multiplexed over the pool.
final class PostgresProxyTests: XCTestCase {
    func testIAMSCRAMAndMD5LoginsThroughTheProxy() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        let iam = try await fixture.psql(
            "app",
            fixture.token(),
            ["SELECT current_user", "SELECT name FROM items ORDER BY id"]
        )
        XCTAssertEqual(iam.status, 0, iam.stderr)
        XCTAssertEqual(iam.stdout, "app\napple\npear\nplum\n")
        XCTAssertTrue(
            fixture.proxy.audit.all.contains {
                $0.user == "app" && $0.outcome == "accepted" && $0.reason.contains("assumed-role/app-role/items-fn")
            },
            "\(fixture.proxy.audit.all)"
        )
        for (user, password) in [("admin", "admin-pw"), ("legacy", "legacy-pw")] {
            let result = try await fixture.psql(user, password, sslMode: "disable", ["SELECT current_user"])
            XCTAssertEqual(result.stdout, "\(user)\n", "\(user): \(result.stderr)")
        }
        // Python drivers as functions use them: psycopg2 (libpq) with the password, pg8000 and asyncpg with an IAM
        // token over TLS.
        for (driver, user, password, tls) in [
            ("psycopg2", "admin", "admin-pw", false), ("pg8000", "app", fixture.token(), true),
            ("pg8000", "legacy", "legacy-pw", false),
            ("asyncpg", "app", fixture.token(), true),
        ] {
            let answer = try await fixture.python(driver, user, password, tls: tls)
            let ok = try XCTUnwrap(answer["ok"] as? [String: Any], "\(driver) as \(user): \(answer)")
            XCTAssertEqual(
                ok["rows"] as? [[String]],
                [["apple", "Decimal:1.25", "bool:True"], ["pear", "Decimal:2.50", "bool:False"]],
                driver
            )
        }
    }

    func testLibPQFromGoWithAnIAMTokenAndWithAPassword() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        for (user, password, tls) in [
            ("app", fixture.token(), true), ("admin", "admin-pw", false), ("legacy", "legacy-pw", true),
        ] {
            let answer = try await fixture.libpq(user, password, tls: tls)
            XCTAssertEqual(answer["user"] as? String, user, "\(answer)")
            XCTAssertEqual(answer["names"] as? [String], ["apple", "pear"], "\(answer)")
            XCTAssertNotNil(answer["id"] as? Int, "\(answer)")
        }
        let refused = try await fixture.libpq("app", "not-a-token", tls: true)
        XCTAssertEqual(refused["sqlstate"] as? String, "28P01", "\(refused)")
        XCTAssertTrue(
            (refused["error"] as? String)?.contains("IAM authentication failed for user app") == true,
            "\(refused)"
        )
    }

    func testEachRefusalInRDSProxysWords() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        let refusals: [(String, String, String, String?, String)] = [
            ("app", fixture.token(), "disable", nil, "IAM authentication is allowed only with SSL connections."),
            (
                "app", "app-pw", "verify-full", nil,
                "IAM authentication failed for user app. Check the IAM token for this user and try again."
            ),
            ("admin", "nope", "disable", nil, "The password that was provided for the role admin is wrong."),
            ("legacy", "nope", "disable", nil, "The password that was provided for the role legacy is wrong."),
            (
                "nobody", "x", "disable", nil,
                "This RDS proxy has no credentials for the role nobody. Check the credentials for this role and "
                    + "try again."
            ),
            (
                "admin", "admin-pw", "disable", "-c search_path=other",
                "Feature not supported: RDS Proxy currently doesn't support command-line options."
            ),
        ]
        for (user, password, sslMode, options, message) in refusals {
            let result = try await fixture.psql(user, password, sslMode: sslMode, options: options, ["SELECT 1"])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(message), "\(user): \(result.stderr)")
        }
        let strict = try await PostgresProxyFixture.start(requireTLS: true)
        defer { Task { await strict.stop() } }
        let plain = try await strict.psql("admin", "admin-pw", sslMode: "disable", ["SELECT 1"])
        XCTAssertTrue(plain.stderr.contains("This RDS Proxy requires TLS connections."), plain.stderr)
    }

    func testSetAndTemporaryTablesPinButTheExtendedProtocolDoesNot() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        let extended = try await fixture.connect("admin", "admin-pw")
        let answer = try await extended.exchange([
            .parse(
                statement: "",
                query: "SELECT name FROM items WHERE id = $1",
                parameterTypes: [PostgresType.int4.rawValue]
            ),
            .bind(portal: "", statement: "", parameterFormats: [0], parameters: [Array("2".utf8)], resultFormats: [0]),
            .execute(portal: "", maxRows: 0), .sync,
        ])
        XCTAssertEqual(
            answer,
            [
                .parseComplete, .bindComplete, .dataRow([Array("pear".utf8)]), .commandComplete(tag: "SELECT 1"),
                .readyForQuery(.idle),
            ]
        )
        XCTAssertEqual(
            fixture.proxy.statistics().pinnedClients,
            0,
            "a parameterised query through the extended protocol does not pin"
        )

        let setter = try await fixture.connect("admin", "admin-pw")
        _ = try await setter.query("SET application_name = 'reports'")
        XCTAssertEqual(fixture.proxy.statistics().pinnedClients, 1, "SET pins")
        let temporary = try await fixture.connect("admin", "admin-pw")
        _ = try await temporary.query("CREATE TEMPORARY TABLE scratch (n INT)")
        XCTAssertEqual(fixture.proxy.statistics().pinnedClients, 2, "a temporary table pins")
        // Each pinned session holds one of the pool's two connections: nobody else gets one, within
        // ConnectionBorrowTimeout.
        let starved = try await extended.query("SELECT count(*) FROM items")
        XCTAssertEqual(
            starved,
            [
                .error(PostgresError(.error, "08000", "Timed-out waiting to acquire database connection.")),
                .readyForQuery(.idle),
            ]
        )
        for connection in [setter, temporary] { await connection.close() }
        try await waitUntil("the pinned clients are gone") { fixture.proxy.statistics().pinnedClients == 0 }
        let again = try await extended.query("SELECT count(*) FROM items")
        XCTAssertTrue(again.contains(.dataRow([Array("3".utf8)])), "\(again)")
        await extended.close()
    }

    func testManyClientsShareTwoTargetConnectionsAndTransactionsHoldOne() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        var clients: [PostgresClientConnection] = []
        for _ in 0..<6 { clients.append(try await fixture.connect("admin", "admin-pw")) }
        for (index, client) in clients.enumerated() {
            let answer = try await client.query("INSERT INTO items (name) VALUES ('fig-\(index)') RETURNING id")
            XCTAssertTrue(answer.contains(.commandComplete(tag: "INSERT 0 1")), "\(answer)")
        }
        XCTAssertLessThanOrEqual(fixture.proxy.statistics().databaseConnections, 2, "MaxConnectionsPercent 10% of 20")
        // A transaction holds its connection until COMMIT; the other connection serves everyone else meanwhile.
        _ = try await clients[0].query("BEGIN")
        _ = try await clients[0].query("UPDATE items SET name = 'plum' WHERE id = 1")
        let other = try await clients[1].query("SELECT count(*) FROM items")
        XCTAssertTrue(other.contains(.dataRow([Array("9".utf8)])), "\(other)")
        let committed = try await clients[0].query("COMMIT")
        XCTAssertEqual(committed.last, .readyForQuery(.idle))
        for client in clients { await client.close() }
    }
}

extension PostgresProxyTests {
    /// A client's CancelRequest (its BackendKeyData from the proxy) reaches the target connection its statement runs
    /// on: the statement ends with 57014, and the client's session goes on.
    func testACancelRequestIsRelayedToTheTargetConnection() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        let client = try await fixture.connect("admin", "admin-pw")
        // Long enough to outlast any wait for the cancel (seconds), bounded: it ends by itself if the cancel never
        // comes.
        let long = Task {
            try await client.query(
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000000) SELECT "
                    + "count(*) FROM n"
            )
        }
        // The cancel is a no-op until the statement runs on a target connection: send it until the statement has ended.
        let ended = NIOLockedValueBox(false)
        let answered = Task {
            defer { ended.withLockedValue { $0 = true } }
            return try await long.value
        }
        try await waitUntil("the cancelled statement ends", every: .milliseconds(50)) {
            if ended.withLockedValue({ $0 }) { return true }
            try await client.cancel()
            return false
        }
        let answer = try await answered.value
        XCTAssertTrue(
            answer.contains(.error(PostgresError(.error, "57014", "canceling statement due to user request"))),
            "\(answer)"
        )
        let next = try await client.query("SELECT 1")
        XCTAssertTrue(next.contains(.dataRow([Array("1".utf8)])), "the session goes on: \(next)")
        await client.close()
    }
}

extension PostgresProxyTests {
    /// The target group's InitQuery runs on each connection the proxy opens: a SET there reaches every client without
    /// pinning anyone (what RDS Proxy advises instead of the startup `options` it refuses).
    func testTheInitQueryRunsOnEveryTargetConnectionWithoutPinning() async throws {
        let fixture = try await PostgresProxyFixture.start(initQuery: "SET search_path = items, public")
        defer { Task { await fixture.stop() } }
        let client = try await fixture.connect("admin", "admin-pw")
        let shown = try await client.query("SHOW search_path")
        XCTAssertTrue(shown.contains(.dataRow([Array("items, public".utf8)])), "\(shown)")
        XCTAssertEqual(fixture.proxy.statistics().pinnedClients, 0)
        await client.close()
    }
}

extension PostgresProxyTests {
    /// JDBC (pgjdbc) through the proxy with an IAM token, SCRAM-SHA-256 and MD5 over verify-full TLS, a wrong token
    /// refused with 28P01, and straight to the scripted backend: its prepared statement's parameter and results.
    func testJDBCWithAnIAMTokenSCRAMAndMD5AndStraightToTheBackend() async throws {
        let fixture = try await PostgresProxyFixture.start()
        defer { Task { await fixture.stop() } }
        let answers = try await fixture.jdbc([
            ("app", fixture.token()), ("admin", "admin-pw"), ("legacy", "legacy-pw"), ("app", "not-a-token"),
        ])
        XCTAssertEqual(answers.count, 4, "\(answers)")
        for (answer, user) in zip(answers, ["app", "admin", "legacy"]) {
            XCTAssertEqual(answer["user"] as? String, user, "\(answer)")
            XCTAssertEqual(answer["items"] as? Int, 3, "\(answer)")
        }
        XCTAssertEqual(answers.last?["sqlState"] as? String, "28P01", "\(answers)")
        XCTAssertTrue(
            (answers.last?["message"] as? String)?.contains("IAM authentication failed for user app") == true,
            "\(answers)"
        )
        let direct = try await fixture.jdbc([("admin", "admin-pw")], port: fixture.database.port, tls: false)
        XCTAssertEqual(direct.first?["user"] as? String, "admin", "\(direct)")
    }
}
