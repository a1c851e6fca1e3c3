import CloudSandbox
import Foundation
import NIOPosix
import SandboxLifecycle
import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxTesting
import XCTest

/// Multiplexing: many clients over few backend connections, transactions hold a connection, pinning,
/// tracked state replayed, the borrow timeout (9501), the client limit (1040), vanishing clients.
final class ProxyPoolTests: XCTestCase {
    var sandbox: Sandbox!
    /// The proxies' timers' time (the borrow timeout): moved by the tests, never waited for.
    let clock = ManualClock()

    override func setUp() async throws {
        self.sandbox = try await Sandbox.start(ProxyFixture.topology(), clock: self.clock)
    }
    override func tearDown() async throws { await self.sandbox?.shutdown() }

    func client(_ proxy: String = "iam-proxy") async throws -> MySQLConnection {
        try await Self.client(self.sandbox, proxy)
    }

    static func client(_ sandbox: Sandbox, _ proxy: String = "iam-proxy") async throws -> MySQLConnection {
        let endpoint = sandbox.endpoints.proxies![proxy]!
        let tls = try MySQLConnection.TLS.trusting(
            caPEM: String(contentsOfFile: endpoint.caBundle, encoding: .utf8),
            serverHostname: endpoint.endpoint
        )
        let password = proxy == "iam-proxy" ? ProxyFixture.token(sandbox) : "app-Passw0rd"
        return try await MySQLConnection.connect(
            host: endpoint.host,
            port: endpoint.port,
            configuration: .init(
                username: "app",
                password: password,
                database: "app",
                tls: proxy == "iam-proxy" ? .required : .disabled
            ),
            tls: proxy == "iam-proxy" ? tls : nil
        )
    }

    func testAThousandClientsOverTheBackendPool() async throws {
        let backend = try XCTUnwrap(self.sandbox.database("app-db"))
        let proxy = try XCTUnwrap(self.sandbox.proxy("iam-proxy"))
        let peak = ManagedCounter()
        let sandbox = self.sandbox!
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    let connection = try await Self.client(sandbox)
                    let rows = try await connection.query("SELECT \(index)").textRows
                    peak.observe(backend.connectionCount)
                    try await Task.sleep(nanoseconds: 200_000_000)  // everyone connected at once
                    await connection.close()
                    return Int((rows.first?.first ?? nil) ?? "") ?? -1
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(answers.sorted(), Array(0..<1_000))
        XCTAssertLessThanOrEqual(peak.maximum, 20, "the backend saw at most the pool (100% of max_connections 20)")
        let statistics = await proxy.statistics()
        XCTAssertLessThanOrEqual(statistics.databaseConnections, 20)
        XCTAssertEqual(statistics.pinnedClients, 0)
    }

    func testTransactionsHoldAndPinningPins() async throws {
        let proxy = try XCTUnwrap(self.sandbox.proxy("iam-proxy"))
        let a = try await self.client()
        _ = try await a.query("CREATE TABLE t (id INT PRIMARY KEY)")
        _ = try await a.query("BEGIN")
        _ = try await a.query("INSERT INTO t VALUES (1)")
        let b = try await self.client()
        let outside = try await b.query("SELECT COUNT(*) FROM t").textRows
        XCTAssertEqual(outside, [["0"]], "the open transaction stays on its own connection")
        _ = try await a.query("COMMIT")
        let inside = try await b.query("SELECT COUNT(*) FROM t").textRows
        XCTAssertEqual(inside, [["1"]])

        // The answer streams to the client as the proxy books the statement: the figures follow a moment later.
        _ = try await b.query("SET @marker = 7")
        try await waitUntil("a user variable pins") { await proxy.statistics().pinnedClients == 1 }
        let statement = try await a.prepare("SELECT ? + 1")
        let executed = try await a.execute(statement, [.integer(41)])
        XCTAssertEqual(executed.rows, [[.integer(42)]])
        try await waitUntil("a prepared statement pins") { await proxy.statistics().pinnedClients == 2 }
        await b.close()
        try await waitUntil("a pinned client's connection goes when it does") {
            await proxy.statistics().pinnedClients == 1
        }
    }

    func testTrackedSessionStateFollowsTheClient() async throws {
        let a = try await self.client()
        _ = try await a.query("SET time_zone = '+05:00'")
        _ = try await a.query("SET SESSION sql_mode = 'ANSI_QUOTES'")
        let proxy = try XCTUnwrap(self.sandbox.proxy("iam-proxy"))
        let pinned = await proxy.statistics().pinnedClients
        XCTAssertEqual(pinned, 0, "tracked variables do not pin")
        let b = try await self.client()
        let own = try await b.query("SELECT @@time_zone").textRows
        XCTAssertNotEqual(own, [["+05:00"]], "another client does not inherit it")
        let kept = try await a.query("SELECT @@time_zone, @@sql_mode").textRows
        XCTAssertEqual(kept, [["+05:00", "ANSI_QUOTES"]], "replayed on whichever connection the client borrows")
    }

    func testBorrowTimeoutAndClientLimit() async throws {
        // pw-proxy: 5% of max_connections 20 = one backend connection, 1 s borrow timeout, 3 clients at most.
        let holder = try await ProxyFixture.connect(
            self.sandbox,
            proxy: "pw-proxy",
            password: "app-Passw0rd",
            tls: false
        )
        _ = try await MariaDB.offload {
            _ = try holder.query("BEGIN")
            return try holder.query("SELECT 1")
        }
        let waiter = try await ProxyFixture.connect(
            self.sandbox,
            proxy: "pw-proxy",
            password: "app-Passw0rd",
            tls: false
        )
        let waiting = Task { try await MariaDB.offload { try waiter.query("SELECT 2") } }
        let proxy = try XCTUnwrap(self.sandbox.proxy("pw-proxy"))
        try await waitUntil("the second client waits for the only target connection") {
            await proxy.statistics().borrowWaits == 1
        }
        self.clock.advance(by: .milliseconds(999))
        let early = await proxy.statistics().borrowTimeouts
        XCTAssertEqual(early, 0, "not before ConnectionBorrowTimeout (1 s) has passed")
        self.clock.advance(by: .milliseconds(1))
        do {
            _ = try await waiting.value
            XCTFail("the only connection is held by a transaction")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 9501)
            XCTAssertEqual(error.message, "Timed-out waiting to acquire database connection")
        }
        let third = try await ProxyFixture.connect(
            self.sandbox,
            proxy: "pw-proxy",
            password: "app-Passw0rd",
            tls: false
        )
        defer { withExtendedLifetime(third) {} }
        do {
            _ = try await ProxyFixture.connect(self.sandbox, proxy: "pw-proxy", password: "app-Passw0rd", tls: false)
            XCTFail("three clients at most")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 1040)
            XCTAssertEqual(error.message, "Number simultaneous connections exceeded (3)")
        }
        _ = try await MariaDB.offload { try holder.query("COMMIT") }
        XCTAssertEqual(try waiter.query("SELECT 3").rows, [["3"]], "the connection comes back after the commit")
    }

    func testAVanishedClientsTransactionIsNotLeaked() async throws {
        let proxy = try XCTUnwrap(self.sandbox.proxy("pw-proxy"))
        let before = await proxy.statistics().clientConnections
        do {  // the client goes away (its handle closed) with a transaction open
            let vanishing = try await ProxyFixture.connect(
                self.sandbox,
                proxy: "pw-proxy",
                password: "app-Passw0rd",
                tls: false
            )
            _ = try await MariaDB.offload {
                _ = try vanishing.query("CREATE TABLE v (id INT)")
                _ = try vanishing.query("BEGIN")
                return try vanishing.query("INSERT INTO v VALUES (1)")
            }
        }
        try await waitUntil("the proxy noticed the client left") {
            await proxy.statistics().clientConnections == before
        }
        let next = try await ProxyFixture.connect(self.sandbox, proxy: "pw-proxy", password: "app-Passw0rd", tls: false)
        XCTAssertEqual(
            try next.query("SELECT COUNT(*) FROM v").rows,
            [["0"]],
            "the uncommitted insert went with its connection"
        )
    }

    func testTheTargetIsDialedOnTheClientsLoopAndFallsBackWhenThatListenerIsGone() async throws {
        let database = try XCTUnwrap(self.sandbox.endpoints.databases["app-db"])
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        for loop in loops {
            XCTAssertNotNil(
                LoopLocalListeners.port(host: database.host, port: database.port, on: loop),
                "the instance listens once more on each event loop"
            )
        }
        // Every loop listener gone (a port nothing listens on): target connections open on the instance's own port.
        LoopLocalListeners.register(host: database.host, port: database.port, loops.map { ($0, 1) })
        let client = try await self.client("pw-proxy")
        let rows = try await client.query("SELECT 42").textRows
        XCTAssertEqual(rows, [["42"]])
    }
}

/// The largest value observed from many tasks.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var maximum = 0
    func observe(_ value: Int) {
        self.lock.lock()
        self.maximum = max(self.maximum, value)
        self.lock.unlock()
    }
}
