import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxTesting
import XCTest

/// Values are bytes end to end: all 256 byte values, `x''`, `UNHEX()`, `_binary` and a 20 MB BLOB (several
/// 16 MB frames) come back byte for byte, through libmariadb and our client, directly and through the proxy,
/// in the text and the binary protocol.
final class BinaryValuesTests: XCTestCase {
    /// A client that sends a `_binary'…'` literal raw (bytes that are not UTF-8 in the COM_QUERY itself): the proxy
    /// forwards the bytes as they are and the scripted backend stores and returns them exactly.
    func testRawBytesInQueryTextArriveExactly() async throws {
        var topology = ProxyFixture.topology()
        topology.proxies?.append(
            .init(name: "blob-proxy", role: "proxy-role", auth: [.init(secret: "app-db/app")], target: "app-db")
        )
        try await withSandbox(topology) { sandbox in
            let raw: [UInt8] = [0xFF, 0x00, 0xFE, 0x27, 0x5C, 0x80]  // ' and \ among them, escaped below
            let literal = [0xFF, 0x5C, 0x30, 0xFE, 0x27, 0x27, 0x5C, 0x5C, 0x80] as [UInt8]  // \0 for NUL, '' and \\
            let login = MySQLClientConfiguration(
                username: "app",
                password: "app-Passw0rd",
                database: "app",
                authPlugin: .nativePassword,
                tls: .disabled
            )
            for (id, name) in [(1, "direct"), (2, "through the proxy")] {
                let (host, port) =
                    id == 1
                    ? (sandbox.endpoints.databases["app-db"]!.host, sandbox.endpoints.databases["app-db"]!.port)
                    : (sandbox.endpoints.proxies!["blob-proxy"]!.host, sandbox.endpoints.proxies!["blob-proxy"]!.port)
                let connection = try await MySQLConnection.connect(host: host, port: port, configuration: login)
                if id == 1 {
                    _ = try await connection.query("CREATE TABLE raw (id INT PRIMARY KEY, b BLOB, `it's` TEXT)")
                }
                let insert = Array("INSERT INTO raw VALUES (\(id), _binary'".utf8) + literal + Array("', 'plain')".utf8)
                _ = try await connection.send(.query(QueryText(bytes: insert)))
                let echoed = try await connection.send(
                    .query(
                        QueryText(
                            bytes: Array("SELECT _binary'".utf8) + literal
                                + Array("', `it's` FROM raw WHERE id = \(id)".utf8)
                        )
                    )
                )
                guard case let .resultSet(set) = echoed else { return XCTFail("rows, \(name)") }
                XCTAssertEqual(set.rows.first?.first, .bytes(raw), "the literal, \(name)")
                let stored = try await connection.query("SELECT b FROM raw WHERE id = \(id)")
                XCTAssertEqual(stored.rows, [[.bytes(raw)]], "stored, \(name)")
                await connection.close()
            }
        }
    }

    func testBinaryValuesRoundTripDirectAndThroughTheProxy() async throws {
        var topology = ProxyFixture.topology()
        topology.proxies?.append(
            .init(name: "blob-proxy", role: "proxy-role", auth: [.init(secret: "app-db/app")], target: "app-db")
        )
        try await withSandbox(topology) { sandbox in
            let database = try XCTUnwrap(sandbox.endpoints.databases["app-db"])
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["blob-proxy"])
            let all = [UInt8](0...255)
            let hex = all.map { String(format: "%02X", $0) }.joined()
            func mariadb(_ host: String, _ port: Int) async throws -> MariaDBConnection {
                try await MariaDB.offload {
                    try MariaDBConnection(
                        .init(host: host, port: port, user: "app", password: "app-Passw0rd", database: "app")
                    )
                }
            }
            let direct = try await mariadb(database.host, database.port)
            let proxied = try await mariadb(proxy.host, proxy.port)
            try await MariaDB.offload { try direct.query("CREATE TABLE blobs (id INT PRIMARY KEY, b LONGBLOB)") }
            try await MariaDB.offload { try direct.query("INSERT INTO blobs VALUES (1, x'\(hex)')") }

            for (label, connection) in [("direct", direct), ("through the proxy", proxied)] {
                let text = try await MariaDB.offload { try connection.query("SELECT b FROM blobs WHERE id = 1") }
                XCTAssertEqual(text.bytes, [[all]], "text protocol, \(label)")
                let literals = try await MariaDB.offload {
                    try connection.query(
                        "SELECT x'FF00FE80', UNHEX('ff00'), _binary'abc', HEX(b) FROM blobs WHERE id = 1"
                    )
                }
                XCTAssertEqual(
                    literals.bytes,
                    [[[0xFF, 0x00, 0xFE, 0x80], [0xFF, 0x00], Array("abc".utf8), Array(hex.utf8)]],
                    label
                )
                let prepared = try await MariaDB.offload {
                    try connection.execute("SELECT b FROM blobs WHERE id = ?", ["1"])
                }
                XCTAssertEqual(prepared.bytes, [[all]], "binary protocol, \(label)")
            }

            let big = (0..<(20 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: ($0 &* 131) >> 3) }
            let ours = try await MySQLConnection.connect(
                host: proxy.host,
                port: proxy.port,
                configuration: .init(
                    username: "app",
                    password: "app-Passw0rd",
                    database: "app",
                    authPlugin: .nativePassword,
                    tls: .disabled
                )
            )
            let insert = try await ours.prepare("INSERT INTO blobs VALUES (2, ?)")
            _ = try await ours.execute(insert, [.bytes(big)])
            let back = try await ours.query("SELECT b FROM blobs WHERE id = 2")
            XCTAssertTrue(back.rows.first?.first == .bytes(big), "20 MB through the proxy with our client")
            let small = try await ours.query("SELECT b FROM blobs WHERE id = 1")
            XCTAssertEqual(small.rows, [[.bytes(all)]])
            await ours.close()
            let oursDirect = try await MySQLConnection.connect(
                host: database.host,
                port: database.port,
                configuration: .init(
                    username: "app",
                    password: "app-Passw0rd",
                    database: "app",
                    authPlugin: .nativePassword,
                    tls: .disabled
                )
            )
            let directRows = try await oursDirect.query("SELECT b, x'FF00FE80' FROM blobs WHERE id = 1")
            XCTAssertEqual(directRows.rows, [[.bytes(all), .bytes([0xFF, 0x00, 0xFE, 0x80])]], "our client, direct")
            await oursDirect.close()
            for (label, connection) in [("direct", direct), ("through the proxy", proxied)] {
                let read = try await MariaDB.offload {
                    try connection.query("SELECT b, LENGTH(b) FROM blobs WHERE id = 2")
                }
                XCTAssertTrue(read.bytes.first?.first == .some(big), "20 MB with libmariadb, \(label)")
                XCTAssertEqual(read.rows.first?.last, String(big.count))
                let prepared = try await MariaDB.offload {
                    try connection.execute("SELECT b FROM blobs WHERE id = ?", ["2"])
                }
                XCTAssertTrue(prepared.bytes.first?.first == .some(big), "20 MB, binary protocol, \(label)")
            }
        }
    }
}
