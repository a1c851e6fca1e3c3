import NIOPosix
import SandboxLifecycle
import SandboxPKI
import SandboxPostgresNIO
import SandboxPostgresWire
import SandboxScriptedPostgres
import XCTest

/// The sandbox's own PostgreSQL client (the RDS Proxy's way to its targets) against the scripted server: each
/// authentication method, TLS with the certificate verified, exchanges up to ReadyForQuery, and a refusal.
final class OurClientTests: XCTestCase {
    func testEachMethodOverTLSAndTheServersRefusal() async throws {
        let server = try await PostgresTestServer.start()
        defer { Task { await server.shutdown() } }
        let tls = try ClientTLS.trusting(caPEM: PostgresTestServer.ca.certificatePEM, serverHostname: "localhost")
        for (user, password) in [("scram", "scram-pw"), ("md5user", "md5-pw"), ("clear", "clear-pw")] {
            let connection = try await PostgresClientConnection.connect(
                host: server.host,
                port: server.port,
                configuration: .init(
                    user: user,
                    password: password,
                    database: "items",
                    parameters: [("application_name", "ours")]
                ),
                tls: tls
            )
            XCTAssertEqual(connection.parameters["server_version"], "15.8")
            XCTAssertEqual(connection.parameters["application_name"], "ours")
            let answer = try await connection.exchange([
                .parse(
                    statement: "",
                    query: "SELECT name FROM items WHERE id = $1",
                    parameterTypes: [PostgresType.int4.rawValue]
                ),
                .bind(
                    portal: "",
                    statement: "",
                    parameterFormats: [1],
                    parameters: [[0, 0, 0, 2]],
                    resultFormats: [0]
                ),
                .execute(portal: "", maxRows: 0), .sync,
            ])
            XCTAssertEqual(
                answer,
                [
                    .parseComplete, .bindComplete, .dataRow([Array("pear".utf8)]), .commandComplete(tag: "SELECT 1"),
                    .readyForQuery(.idle),
                ],
                user
            )
            let ssl = try await connection.query("SHOW ssl")
            XCTAssertTrue(ssl.contains(.dataRow([Array("on".utf8)])), "\(ssl)")
            await connection.close()
        }
        do {
            _ = try await PostgresClientConnection.connect(
                host: server.host,
                port: server.port,
                configuration: .init(user: "scram", password: "wrong", database: "items")
            )
            XCTFail("logged in with a wrong password")
        } catch let error as PostgresClientError {
            XCTAssertEqual(error.serverError?.sqlState, "28P01")
        }
    }
}

extension OurClientTests {
    /// Short reads run on the connection's event loop within an instruction budget; a read that runs over it is
    /// interrupted and run again on the pool, with its transaction left as it was and its answer whole.
    func testAReadOverTheInlineBudgetRunsAgainOnThePoolInsideItsTransaction() async throws {
        let server = try await PostgresTestServer.start()
        defer { Task { await server.shutdown() } }
        let connection = try await PostgresClientConnection.connect(
            host: server.host,
            port: server.port,
            configuration: .init(user: "scram", password: "scram-pw", database: "items")
        )
        let begun = try await connection.query("BEGIN")
        XCTAssertEqual(begun.last, .readyForQuery(.inTransaction))
        let long =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n"
        let answer = try await connection.query(long)
        XCTAssertTrue(answer.contains(.dataRow([Array("300000".utf8)])), "\(answer)")
        XCTAssertEqual(answer.last, .readyForQuery(.inTransaction))
        let prepared = try await connection.exchange([
            .parse(
                statement: "",
                query: long.replacingOccurrences(of: "300000", with: "$1"),
                parameterTypes: [PostgresType.int4.rawValue]
            ),
            .bind(
                portal: "",
                statement: "",
                parameterFormats: [1],
                parameters: [[0x00, 0x03, 0xD0, 0x90]],
                resultFormats: [0]
            ),
            .execute(portal: "", maxRows: 0), .sync,
        ])
        XCTAssertTrue(prepared.contains(.dataRow([Array("250000".utf8)])), "\(prepared)")
        let named = try await connection.query("SELECT 'naïve' AS \"été\"")
        XCTAssertTrue(named.contains(.dataRow([Array("naïve".utf8)])), "\(named)")
        let committed = try await connection.query("COMMIT")
        XCTAssertEqual(committed.last, .readyForQuery(.idle))
        let log = server.queryLog.all.filter { $0.statement == long }
        XCTAssertEqual(log.count, 1, "an interrupted inline attempt is not logged: \(log)")
        await connection.close()
    }
}

extension OurClientTests {
    /// The server listens once more per event loop (what the RDS Proxy dials from that loop): each such port serves
    /// the same databases and logins, and stopping the server closes them and forgets them.
    func testALoopLocalListenerPerEventLoopServesTheSameServerAndStopsWithIt() async throws {
        let server = try await PostgresTestServer.start()
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let ports = loops.compactMap { LoopLocalListeners.port(host: server.host, port: server.port, on: $0) }
        XCTAssertEqual(ports.count, loops.count)
        XCTAssertEqual(Set(ports + [server.port]).count, loops.count + 1, "\(ports) beside \(server.port)")
        for (loop, port) in zip(loops, ports) {
            let connection = try await PostgresClientConnection.connect(
                host: server.host,
                port: port,
                configuration: .init(user: "md5user", password: "md5-pw", database: "items"),
                group: loop
            )
            let answer = try await connection.query("SELECT count(*) FROM items")
            XCTAssertTrue(answer.contains(.dataRow([Array("3".utf8)])), "\(answer)")
            await connection.close()
        }
        let main = server.port
        await server.shutdown()
        XCTAssertNil(LoopLocalListeners.port(host: server.host, port: main, on: loops[0]))
        do {
            _ = try await PostgresClientConnection.connect(
                host: server.host,
                port: ports[0],
                configuration: .init(user: "md5user", password: "md5-pw", database: "items")
            )
            XCTFail("a stopped server's loop-local listener still accepted")
        } catch {}
    }
}
