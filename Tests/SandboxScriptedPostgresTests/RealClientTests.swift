import Foundation
import SandboxScriptedPostgres
import SandboxTesting
import XCTest

/// psql, psycopg2 (libpq) and pg8000 log into the scripted PostgreSQL server unmodified, with each auth method and
/// over TLS, and run the SQL an app sends.
final class RealClientTests: XCTestCase {
    func testPsqlLogsInWithEachMethodAndRunsTheAppsSQL() async throws {
        let server = try await PostgresTestServer.start()
        defer { Task { await server.shutdown() } }
        for (user, password) in [("scram", "scram-pw"), ("md5user", "md5-pw"), ("clear", "clear-pw")] {
            let result = try await server.psql(
                user,
                password,
                ["SELECT name FROM items WHERE in_stock ORDER BY name", "SELECT current_user"]
            )
            XCTAssertEqual(result.status, 0, "\(user): \(result.stderr)")
            XCTAssertEqual(result.stdout.split(separator: "\n"), ["apple", "plum", Substring(user)], user)
        }
    }

    /// psql's `\dt` reads pg_catalog (pg_class, pg_namespace, pg_am, `!~`, pg_get_userbyid()): the app's tables, owned
    /// by the database's first user, and no index.
    func testPsqlListsTheTablesWithBackslashDt() async throws {
        let server = try await PostgresTestServer.start()
        defer { Task { await server.shutdown() } }
        let result = try await server.psql(
            "md5user",
            "md5-pw",
            [
                "\\dt",
                "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = 'r' AND c.relname !~ '^v' AND "
                    + "c.relname ~ 'e' ORDER BY 1",
            ]
        )
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(
            result.stdout.split(separator: "\n"),
            ["public|items|table|scram", "public|visits|table|scram", "items"]
        )
    }

    func testPsqlOverVerifiedTLSSeesTheSessionAndTheTypes() async throws {
        let server = try await PostgresTestServer.start { $0.requireTLS = true }
        defer { Task { await server.shutdown() } }
        let result = try await server.psql(
            "scram",
            "scram-pw",
            sslmode: "verify-full",
            [
                "SHOW ssl", "SELECT price, in_stock, tags FROM items WHERE name = 'apple'",
                "BEGIN", "INSERT INTO items (name, price) VALUES ('kiwi', 4) RETURNING id, name", "ROLLBACK",
                "SELECT count(*) FROM items",
            ]
        )
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n"), ["on", "1.25|t|{\"colour\": \"red\"}", "4|kiwi", "3"])
        let plain = try await server.psql("scram", "scram-pw", sslmode: "disable", ["SELECT 1"])
        XCTAssertNotEqual(plain.status, 0)
        XCTAssertTrue(
            plain.stderr.contains(
                "no pg_hba.conf entry for host \"127.0.0.1\", user \"scram\", database \"items\", no encryption"
            ),
            plain.stderr
        )
    }

    func testRefusalsInPostgreSQLsWords() async throws {
        let server = try await PostgresTestServer.start { $0.maxConnections = 1 }
        defer { Task { await server.shutdown() } }
        let wrong = try await server.psql("scram", "nope", ["SELECT 1"])
        XCTAssertTrue(wrong.stderr.contains("password authentication failed for user \"scram\""), wrong.stderr)
        let unknown = try await server.psql("nobody", "x", ["SELECT 1"])
        XCTAssertTrue(unknown.stderr.contains("password authentication failed for user \"nobody\""), unknown.stderr)
        let database = try await server.psql("scram", "scram-pw", database: "nowhere", ["SELECT 1"])
        XCTAssertTrue(database.stderr.contains("database \"nowhere\" does not exist"), database.stderr)
        let sql = try await server.psql("scram", "scram-pw", ["SELECT nope FROM items"])
        XCTAssertTrue(sql.stderr.contains("column \"nope\" does not exist"), sql.stderr)
        let duplicate = try await server.psql("scram", "scram-pw", ["INSERT INTO items (name) VALUES ('apple')"])
        XCTAssertTrue(
            duplicate.stderr.contains("duplicate key value violates unique constraint \"items_name_key\""),
            duplicate.stderr
        )
        // One connection allowed: a second, while the first sleeps, gets 53300. (The connections above are gone first:
        // psql exits before the server has seen its socket close.)
        try await waitUntil("the earlier connections are closed") { server.connectionCount == 0 }
        async let sleeper = server.psql("scram", "scram-pw", ["SELECT pg_sleep(1.5)"])
        try await waitUntil("the sleeping connection is in") { server.connectionCount == 1 }
        let second = try await server.psql("scram", "scram-pw", ["SELECT 1"])
        XCTAssertTrue(second.stderr.contains("sorry, too many clients already"), second.stderr)
        _ = try await sleeper
    }

    func testPythonDriversReadAndWriteWithParameters() async throws {
        let server = try await PostgresTestServer.start()
        defer { Task { await server.shutdown() } }
        for (driver, user, password, tls) in [
            ("psycopg2", "scram", "scram-pw", true), ("pg8000", "md5user", "md5-pw", false),
            ("pg8000", "scram", "scram-pw", true),
            ("asyncpg", "scram", "scram-pw", true), ("asyncpg", "clear", "clear-pw", false),
        ] {
            let answer = try await server.python(driver, user, password, tls: tls)
            let ok = try XCTUnwrap(answer["ok"] as? [String: Any], "\(driver): \(answer)")
            XCTAssertEqual(
                ok["rows"] as? [[String]],
                [["apple", "Decimal:1.25", "bool:True"], ["pear", "Decimal:2.50", "bool:False"]],
                driver
            )
            XCTAssertEqual(ok["application_name"] as? String, "items-\(driver)")
            XCTAssertNotNil(ok["new_id"] as? Int)
        }
        let count = try await server.psql("scram", "scram-pw", ["SELECT count(*) FROM items"])
        XCTAssertEqual(count.stdout, "8\n")
    }
}
