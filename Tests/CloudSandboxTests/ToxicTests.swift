import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxTesting
import SandboxVirtualNetwork
import XCTest

/// Each toxic as a libmariadb client observes it, with Toxiproxy's semantics. Durations are lower bounds on
/// what the toxic must cost, never upper bounds on speed.
final class ToxicTests: XCTestCase {
    var sandbox: Sandbox!

    override func setUp() async throws {
        self.sandbox = try await Sandbox.start(NetworkEnforcementTests.topology(denied: .reset))
    }

    override func tearDown() async throws {
        await self.sandbox.shutdown()
    }

    func connect(timeout: UInt32 = 5) async throws -> MariaDBConnection {
        try await NetworkEnforcementTests.libmariadb(self.sandbox, from: "fn", connectTimeout: timeout)
    }

    func add(_ toxic: Toxic, _ scope: FaultScope = .listener("app-db")) {
        self.sandbox.network!.faults.add(toxic, to: scope)
    }

    func timed<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> (T, TimeInterval) {
        let start = Date()
        let value = try await MariaDB.offload(work)
        return (value, Date().timeIntervalSince(start))
    }

    func testLatencyDelaysEachAnswerAndCanBeRemovedOrScopedToAPath() async throws {
        let connection = try await self.connect()
        self.add(Toxic(name: "slow", .latency(milliseconds: 300, jitter: 50), stream: .downstream))
        let (rows, elapsed) = try await self.timed { try connection.query("SELECT 1").rows }
        XCTAssertEqual(rows, [["1"]])
        XCTAssertGreaterThanOrEqual(elapsed, 0.25)
        XCTAssertTrue(self.sandbox.network!.faults.remove("slow", from: .listener("app-db")))
        XCTAssertFalse(self.sandbox.network!.faults.remove("slow", from: .listener("app-db")))
        self.add(Toxic(name: "path", .latency(milliseconds: 300), stream: .upstream), .path(from: "fn", to: "app-db"))
        let (_, pathElapsed) = try await self.timed { try connection.query("SELECT 2").rows }
        XCTAssertGreaterThanOrEqual(pathElapsed, 0.29, "the path's toxic applies to fn's connection")
    }

    func testBandwidthLimitsThroughput() async throws {
        let connection = try await self.connect()
        self.add(Toxic(name: "thin", .bandwidth(kilobytesPerSecond: 40), stream: .downstream))
        let (rows, elapsed) = try await self.timed { try connection.query("SELECT hex(zeroblob(10000)) AS x").rows }
        XCTAssertEqual(rows.first?.first??.count, 20_000)
        XCTAssertGreaterThanOrEqual(elapsed, 0.45, "20 KB at 40 KB/s takes half a second")
    }

    func testSlicerCutsDataButKeepsIt() async throws {
        self.add(
            Toxic(
                name: "slices",
                .slicer(averageSize: 3, sizeVariation: 2, delayMicroseconds: 100),
                stream: .downstream
            )
        )
        self.add(Toxic(name: "slices-up", .slicer(averageSize: 1), stream: .upstream))
        let connection = try await self.connect()
        let rows = try await MariaDB.offload {
            try connection.query("SELECT hex(zeroblob(300)) AS x, 'intact' AS y").rows
        }
        XCTAssertEqual(rows, [[String(repeating: "0", count: 600), "intact"]])
    }

    func testTimeoutStopsDataThenCloses() async throws {
        let connection = try await self.connect()
        self.add(Toxic(name: "cut", .timeout(milliseconds: 500), stream: .upstream))
        let started = Date()
        do {
            _ = try await MariaDB.offload { try connection.query("SELECT 1") }
            XCTFail("no data passes")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 2013, "\(error)")
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.45)
    }

    func testResetPeerAndToxicity() async throws {
        self.add(Toxic(name: "never", .resetPeer(milliseconds: 0), toxicity: 0))
        let spared = try await self.connect()
        XCTAssertEqual(try spared.query("SELECT 1").rows, [["1"]], "toxicity 0 never applies")
        self.add(Toxic(name: "reset", .resetPeer(milliseconds: 0)))
        do {
            _ = try await self.connect()
            XCTFail("reset at once")
        } catch let error as MariaDBError {
            XCTAssertTrue([2002, 2013].contains(error.code), "reset while connecting or before the greeting: \(error)")
        }
    }

    func testLimitDataClosesAfterTheBytes() async throws {
        let connection = try await self.connect()
        self.add(Toxic(name: "cap", .limitData(bytes: 2_000), stream: .downstream))
        XCTAssertEqual(try connection.query("SELECT 1").rows, [["1"]], "small answers pass")
        do {
            _ = try await MariaDB.offload { try connection.query("SELECT hex(zeroblob(5000))") }
            XCTFail("the connection closes once 2,000 bytes have passed")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 2013, "\(error)")
        }
    }

    func testSlowCloseDelaysTheServersClose() async throws {
        let connection = try await self.connect()
        let id = connection.connectionID
        self.add(Toxic(name: "linger", .slowClose(milliseconds: 600)))
        let database = try XCTUnwrap(self.sandbox.database("app-db"))
        async let failure: Void = MariaDB.offload { _ = try connection.query("SELECT SLEEP(3)") }
        try await waitUntil("the SLEEP reached the database") {
            database.queryLog.running.contains { $0.statement.contains("SLEEP(3)") }
        }
        let killed = ContinuousClock.now
        XCTAssertTrue(database.kill(connectionID: UInt32(id)))
        do {
            try await failure
            XCTFail("the killed connection closes")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 2013, "\(error)")
        }
        // A lower bound only: the close may come later on a loaded machine, never sooner.
        XCTAssertGreaterThanOrEqual(
            ContinuousClock.now - killed,
            .milliseconds(580),
            "the 600 ms slow close (less a timer's slack)"
        )
    }

    func testDownResetsOpenAndNewConnectionsUntilUp() async throws {
        let open = try await self.connect()
        await self.sandbox.setDown("app-db", true)
        XCTAssertThrowsError(try open.query("SELECT 1"))
        do {
            _ = try await self.connect()
            XCTFail("a down listener refuses")
        } catch let error as MariaDBError {
            XCTAssertTrue([2002, 2013].contains(error.code), "\(error)")
        }
        await self.sandbox.setDown("app-db", false)
        let again = try await self.connect()
        XCTAssertEqual(try again.query("SELECT 1").rows, [["1"]])
    }
}
