import Logging
import SandboxLifecycle
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxScriptedMySQL
import SandboxTesting
import XCTest

@testable import SandboxClusterFailover

/// Asynchronous replication on a clock the test moves: a commit reaches the reader once the lag has passed on that
/// clock, and a promotion loses what the promoted reader had not applied.
final class ClusterReplicationTests: XCTestCase {
    static let user = MySQLUser(name: "app", password: "app-pw", plugin: .nativePassword)

    func server() async throws -> ScriptedMySQLServer {
        let server = try ScriptedMySQLServer(
            configuration: .init(
                users: [Self.user],
                seedSQL: [("shop", "CREATE TABLE orders (id INT PRIMARY KEY)")],
                defaultAuthPlugin: .nativePassword,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try await server.start()
        return server
    }

    static func ids(on server: ScriptedMySQLServer) async throws -> [String] {
        let connection = try await MySQLConnection.connect(
            host: "127.0.0.1",
            port: server.port,
            configuration: .init(
                username: Self.user.name,
                password: Self.user.password,
                database: "shop",
                tls: .disabled
            ),
            tls: nil
        )
        let ids = try await connection.query("SELECT id FROM orders ORDER BY id").textRows.map { $0[0] ?? "" }
        await connection.close()
        return ids
    }

    static func insert(_ id: Int, on server: ScriptedMySQLServer) async throws {
        let connection = try await MySQLConnection.connect(
            host: "127.0.0.1",
            port: server.port,
            configuration: .init(
                username: Self.user.name,
                password: Self.user.password,
                database: "shop",
                tls: .disabled
            ),
            tls: nil
        )
        _ = try await connection.query("INSERT INTO orders VALUES (\(id))")
        await connection.close()
    }

    func testCommitsReachTheReaderAfterTheLagAndAPromotionLosesTheRest() async throws {
        let (writer, reader) = (try await self.server(), try await self.server())
        let clock = ManualClock()
        let replication = ClusterReplication(
            lag: .seconds(1),
            members: ["w": writer, "r": reader],
            writer: "w",
            clock: clock,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let running = Task { await replication.run() }
        try await Self.insert(1, on: writer)
        clock.advance(by: .milliseconds(999))
        let early = try await Self.ids(on: reader)
        XCTAssertEqual(early, [], "not applied before the lag has passed")
        clock.advance(by: .milliseconds(1))
        try await waitUntil("the reader applied the commit once the lag passed") {
            try await Self.ids(on: reader) == ["1"]
        }

        try await Self.insert(2, on: writer)
        replication.promote("r")
        XCTAssertEqual(replication.lostTransactions.count, 1, "the promoted reader had not applied the second commit")
        clock.advance(by: .seconds(5))
        let after = try await Self.ids(on: reader)
        XCTAssertEqual(after, ["1"], "what was lost is not applied later")
        running.cancel()
        await writer.stop()
        await reader.stop()
    }
}
