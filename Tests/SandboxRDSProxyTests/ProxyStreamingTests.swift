import CloudSandbox
import NIOConcurrencyHelpers
import NIOCore
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxRDSProxy
import SandboxTesting
import XCTest

/// Results stream through the proxy packet by packet with backpressure: a client that stops reading holds the
/// proxy to a bounded queue (and the proxy stops reading from its target); a target that dies mid-result
/// closes that client's connection only.
final class ProxyStreamingTests: XCTestCase {
    /// A client (our connection, relaying what the proxy sends) that stops reading until `readOn()`.
    final class SlowReader: MySQLRelayTarget {
        struct State {
            var bytes = 0
            var paused = true
            var resume: (@Sendable () -> Void)?
        }
        let deprecateEOF = true
        let state = NIOLockedValueBox(State())
        var bytes: Int { self.state.withLockedValue { $0.bytes } }

        func send(_ payloads: [ByteBuffer], resume: @escaping @Sendable () -> Void) -> RelayDemand {
            self.state.withLockedValue { state in
                state.bytes += payloads.reduce(0) { $0 + $1.readableBytes }
                guard state.paused else { return .more }
                state.resume = resume
                return .paused
            }
        }

        func readOn() {
            self.state.withLockedValue { state in
                state.paused = false
                defer { state.resume = nil }
                return state.resume
            }?()
        }
    }

    /// Rows of 10 KB (tests run debug builds: rows are what costs).
    private static func bigSelect(rows: Int) -> String {
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows)) SELECT i, REPEAT('x', "
            + "10000) FROM n"
    }
    /// What the writer may legitimately hold for a stalled client: its high-water mark, plus what one read cycle
    /// of the target connection delivers after the pause is asked for (NIO finishes the cycle's reads), plus one
    /// packet framed across the cycle's start (a 10 KB row and its header) and one TLS record decrypted across it.
    private static let queueBound =
        MySQLResponseWriter.highWater + MySQLConnection.maxBytesPerReadCycle + (10_000 + 64) + (16_384 + 256)
    private let login = MySQLClientConfiguration(
        username: "app",
        password: "app-Passw0rd",
        database: "app",
        tls: .disabled
    )

    private func start() async throws -> Sandbox {
        var topology = ProxyFixture.topology()
        topology.proxies?.append(
            .init(
                name: "stream-proxy",
                role: "proxy-role",
                auth: [.init(secret: "app-db/app")],
                target: "app-db",
                requireTLS: false
            )
        )
        return try await Sandbox.start(topology)
    }

    /// A client of the proxy. A fixed 64 KB receive buffer: Linux would otherwise grow it (up to tcp_rmem's
    /// maximum, 32 MB here) and hold a stalled client's whole result in the kernel.
    private func connect(_ sandbox: Sandbox) async throws -> MySQLConnection {
        let endpoint = try XCTUnwrap(sandbox.endpoints.proxies?["stream-proxy"])
        let connection = try await MySQLConnection.connect(
            host: endpoint.host,
            port: endpoint.port,
            configuration: self.login
        )
        try await connection.channel.setOption(ChannelOptions.socketOption(.so_rcvbuf), value: 64 * 1024).get()
        return connection
    }

    private static func startRelay(
        _ client: MySQLConnection,
        _ reader: SlowReader,
        rows: Int
    ) -> Task<ResponseRelay.End, any Error> {
        let command = MySQLCommand.query(QueryText(Self.bigSelect(rows: rows)))
        return Task { try await client.relay(command, to: reader) }
    }

    /// Waits (≤ 10 s) until `reader` has received something and it stopped growing (unchanged over 5 looks,
    /// 50 ms apart); returns the largest queue the proxy held meanwhile.
    private func settle(_ reader: SlowReader, _ proxy: RDSProxyServer) async throws -> Int {
        var last = 0
        var unchanged = 0
        var largestQueue = 0
        for _ in 0..<200 where unchanged < 5 {
            try await Task.sleep(for: .milliseconds(50))
            largestQueue = max(largestQueue, await proxy.statistics().queuedClientBytes)
            let now = reader.bytes
            unchanged = now > 0 && now == last ? unchanged + 1 : 0
            last = now
        }
        return largestQueue
    }

    func testALargeResultStreamsWithBackpressureAndArrivesWhole() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let proxy = try XCTUnwrap(sandbox.proxy("stream-proxy"))
            let client = try await self.connect(sandbox)
            let reader = SlowReader()
            let rows = 2_000  // 20 MB
            let relay = Self.startRelay(client, reader, rows: rows)
            let largestQueue = try await self.settle(reader, proxy)
            let total = rows * 10_000
            XCTAssertGreaterThan(reader.bytes, 0, "the first packets arrived")
            XCTAssertLessThan(
                reader.bytes,
                total / 2,
                "the client stopped reading: most of the result is still at the target"
            )
            XCTAssertLessThanOrEqual(
                largestQueue,
                Self.queueBound,
                "the proxy queues a bounded amount for a stalled client"
            )
            // Another client is served meanwhile.
            let other = try await self.connect(sandbox)
            let one = try await other.query("SELECT 1")
            XCTAssertEqual(one.textRows, [["1"]])
            reader.readOn()
            let end = try await relay.value
            XCTAssertEqual(end, .ok(.autocommit))
            XCTAssertGreaterThan(reader.bytes, total, "every row arrived")
            let count = try await client.query("SELECT COUNT(*) FROM (\(Self.bigSelect(rows: rows))) t")
            XCTAssertEqual(count.textRows, [["\(rows)"]], "the connection is in step for the next command")
            await client.close()
            await other.close()
        }
    }

    /// The target connection dies mid-result (KILL from another session): the client's connection is closed,
    /// which libmariadb reports as 2013; the proxy and its other clients go on.
    func testATargetDyingMidResultClosesThatClientOnly() async throws {
        try await withSandbox(try await self.start()) { sandbox in
            let proxy = try XCTUnwrap(sandbox.proxy("stream-proxy"))
            let client = try await self.connect(sandbox)
            _ = try await client.query("BEGIN")  // keeps this client on one target connection, whose id we learn
            let found = try await client.query("SELECT CONNECTION_ID()").textRows.first?.first ?? nil
            let id = try XCTUnwrap(found)
            let reader = SlowReader()
            // 64 MB: more than the kernel's buffers between target, proxy and client hold (tcp_rmem's 32 MB maximum,
            // the 4 MB send buffers), so the target is still writing when it dies.
            let relay = Self.startRelay(client, reader, rows: 6_400)
            _ = try await self.settle(reader, proxy)
            let database = try XCTUnwrap(sandbox.endpoints.databases["app-db"])
            let admin = try await MySQLConnection.connect(
                host: database.host,
                port: database.port,
                configuration: self.login
            )
            _ = try await admin.query("KILL \(id)")
            reader.readOn()
            do {
                _ = try await relay.value
                XCTFail("the result cannot complete")
            } catch {
                XCTAssertEqual(error as? MySQLClientError, .connectionClosed, "\(error)")
            }
            XCTAssertFalse(client.channel.isActive, "the proxy closed the client's connection")
            let other = try await self.connect(sandbox)
            let one = try await other.query("SELECT 1")
            XCTAssertEqual(one.textRows, [["1"]])
            await other.close()
            await admin.close()
        }
    }
}
