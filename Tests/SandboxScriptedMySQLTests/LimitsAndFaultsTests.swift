import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

/// Connection limits, TLS requirement, kill, restart, scripted faults and malformed input.
final class LimitsAndFaultsTests: XCTestCase {
    func testMaxConnectionsAnswers1040AndFreesOnClose() async throws {
        let server = try await TestServer.start { $0.maxConnections = 2 }
        addTeardownBlock { await server.shutdown() }
        var first: MariaDBConnection? = try await server.mariadb("native", "native-pw")
        let second = try await server.mariadb("native", "native-pw")
        await assertMySQLError(1040) { _ = try await server.mariadb("native", "native-pw") }
        first = nil
        // Closing one frees its slot (the server notices the close asynchronously).
        try await waitUntil("the server noticed the close") { server.connectionCount == 1 }
        let admitted = try await server.mariadb("native", "native-pw")
        XCTAssertEqual(try admitted.query("SELECT 1").rows, [["1"]])
        XCTAssertNil(first)
        _ = second
    }

    func testRequireSecureTransportRefusesPlainWith3159() async throws {
        let server = try await TestServer.start { $0.requireSecureTransport = true }
        addTeardownBlock { await server.shutdown() }
        let error = await assertMySQLError(3159, "HY000") { _ = try await server.mariadb("native", "native-pw") }
        XCTAssertEqual(
            error?.message,
            "Connections using insecure transport are prohibited while --require_secure_transport=ON."
        )
        _ = try await server.mariadb("native", "native-pw", tls: true, caFile: TestServer.caFile)
    }

    func testKillStopAndRestartOnTheSameAddress() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let victim = try await server.ours("native", "native-pw", plugin: .nativePassword)
        let killer = try await server.mariadb("native", "native-pw")
        let id = victim.greeting.connectionID
        _ = try await MariaDB.offload { try killer.query("KILL \(id)") }
        // KILL answers once the close is under way on the victim's event loop; wait (≤ 5 s) until it is done, or a
        // query sent meanwhile may still be read and answered.
        let closed = victim.channel.eventLoop.makePromise(of: Void.self)
        victim.channel.closeFuture.cascade(to: closed)
        let deadline = victim.channel.eventLoop.scheduleTask(in: .seconds(5)) {
            closed.fail(MySQLClientError.timedOut("the killed connection did not close"))
        }
        try await closed.futureResult.get()
        deadline.cancel()
        do {
            _ = try await victim.query("SELECT 1")
            XCTFail("a killed connection cannot run queries")
        } catch let error as MySQLClientError {
            XCTAssertEqual(error, .connectionClosed)
        }
        await assertMySQLError(1094) { _ = try await MariaDB.offload { try killer.query("KILL 999999") } }

        let port = server.port
        _ = try await MariaDB.offload { try killer.query("INSERT INTO users (email) VALUES ('survives@example.com')") }
        await server.stop()
        await assertMySQLError(2002) { _ = try await server.mariadb("native", "native-pw") }
        try await server.start()
        XCTAssertEqual(server.port, port)
        let again = try await server.mariadb("native", "native-pw")
        let rows = try await MariaDB.offload {
            try again.query("SELECT email FROM users WHERE email LIKE 'surv%'").rows
        }
        XCTAssertEqual(rows, [["survives@example.com"]], "data outlives a restart")
    }

    func testScriptedErrorDelayRowsAndDropAsClientsSeeThem() async throws {
        let rules = try ScriptFile.load(path: TestServer.fixtures.appendingPathComponent("scripts/faults.yaml").path)
        let server = try await TestServer.start { $0.rules = rules }
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("native", "native-pw")
        _ = try await MariaDB.offload { try db.query("CREATE TABLE inventory (sku TEXT)") }
        // times: 1 — the first read is a deadlock, the retry succeeds.
        await assertMySQLError(1213, "40001") {
            _ = try await MariaDB.offload { try db.query("SELECT * FROM inventory") }
        }
        let retry = try await MariaDB.offload { try db.query("SELECT * FROM inventory") }
        XCTAssertEqual(retry.rows, [])
        let answer = try await MariaDB.offload { try db.query("SELECT   answer") }
        XCTAssertEqual(answer.rows, [["42"]])
        let started = Date()
        let slow = try await MariaDB.offload { try db.query("select slow_thing()") }
        XCTAssertEqual(slow.rows, [["done"]])
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3, "the scripted delay was applied")
        // A dropped connection is "lost connection" on the client.
        await assertMySQLError(2013) { _ = try await MariaDB.offload { try db.query("SELECT 'drop me'") } }
        XCTAssertTrue(server.queryLog.all.contains { $0.statement == "SELECT 'drop me'" && $0.outcome == .dropped })
    }

    func testRulesAddedFromSwiftWithCounts() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        server.addRule(
            .error(
                .regex("^update users"),
                code: 1205,
                sqlState: "HY000",
                message: "Lock wait timeout exceeded; try restarting transaction",
                times: .count(2)
            )
        )
        let db = try await server.ours("native", "native-pw", plugin: .nativePassword)
        for _ in 0..<2 {
            do {
                _ = try await db.query("UPDATE users SET name = 'x'")
                XCTFail("scripted error expected")
            } catch let error as MySQLClientError {
                XCTAssertEqual(error.serverError?.code, 1205)
            }
        }
        let third = try await db.query("UPDATE users SET name = 'x'")
        XCTAssertEqual(third.affectedRows, 3)
        await db.close()
    }

    func testMalformedInputGetsErrorsAndNeverDisturbsOthers() async throws {
        let server = try await TestServer.start { $0.maxPacketSize = 1 << 20 }
        addTeardownBlock { await server.shutdown() }
        let bystander = try await server.mariadb("native", "native-pw")
        let host = server.host
        let port = server.port

        // Garbage instead of a handshake response: "Bad handshake" and a closed connection.
        let garbage = try await MariaDB.offload { () -> ([UInt8], Bool) in
            let socket = try RawSocket(host: host, port: port)
            socket.send([0x05, 0x00, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF, 0x00])
            return socket.readAll()
        }
        XCTAssertEqual(errorMessage(garbage.0.mysqlPayloads.last ?? [])?.code, 1043)
        XCTAssertTrue(garbage.1)

        // An SSLRequest followed by bytes that are not TLS: the connection is closed.
        let notTLS = try await MariaDB.offload { () -> Bool in
            let socket = try RawSocket(host: host, port: port)
            var request: [UInt8] = [32, 0, 0, 1]
            request += [0x85, 0xAE, 0xFF, 0x01, 0, 0, 0, 1, 45] + [UInt8](repeating: 0, count: 23)
            socket.send(request + Array("GET / HTTP/1.1\r\n\r\n".utf8))
            return socket.readAll().closed
        }
        XCTAssertTrue(notTLS)

        // A packet larger than max_allowed_packet: error 1153 and close.
        let oversized = try await MariaDB.offload { () -> UInt16? in
            let socket = try RawSocket(host: host, port: port)
            socket.send([0x00, 0x00, 0x20, 0x01])  // a 2 MiB packet against a 1 MiB max_allowed_packet
            return errorMessage(socket.readAll().0.mysqlPayloads.last ?? [])?.code
        }
        XCTAssertEqual(oversized, 1153)

        let rows = try await MariaDB.offload { try bystander.query("SELECT COUNT(*) FROM users").rows }
        XCTAssertEqual(rows, [["3"]], "other connections carry on")
    }

    func testOurClientFailsCleanlyWhenNothingListens() async throws {
        // Port 1 on loopback: refused at once. The client must throw, not leave its login promise pending.
        do {
            _ = try await MySQLConnection.connect(
                host: "127.0.0.1",
                port: 1,
                configuration: .init(username: "u", password: "p", tls: .disabled)
            )
            XCTFail("nothing listens on port 1")
        } catch {
            XCTAssertFalse(error is MySQLClientError, "a connect error, not a protocol one: \(error)")
        }
    }

    func testChangeUserAndResetConnection() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        let db = try await server.mariadb("native", "native-pw")
        try await MariaDB.offload { try db.changeUser("sha2", password: "sha2-pw", database: "app") }
        let who = try await MariaDB.offload { try db.query("SELECT CURRENT_USER()").rows }
        XCTAssertEqual(who, [["sha2@%"]])
        try await MariaDB.offload { try db.query("SET autocommit=0") }
        try await MariaDB.offload { try db.resetConnection() }
        let autocommit = try await MariaDB.offload { try db.query("SELECT @@autocommit").rows }
        XCTAssertEqual(autocommit, [["1"]])
        await assertMySQLError(1045) { try await MariaDB.offload { try db.changeUser("sha2", password: "wrong") } }
    }
}
