import NIOCore
import SandboxMySQLWire
import XCTest

final class HandshakeMessageTests: XCTestCase {
    let nonce = Array("abcdefghijklmnopqrst".utf8)

    func testGreetingHasTwentyByteNonceWithDataLength21AndBitZeroSet() throws {
        let greeting = HandshakeV10(
            serverVersion: "8.0.36",
            connectionID: 7,
            nonce: self.nonce,
            capabilities: .serverDefault,
            authPluginName: "caching_sha2_password"
        )
        var buffer = ByteBuffer()
        greeting.encode(into: &buffer)
        let raw = Array(buffer.readableBytesView)
        XCTAssertEqual(raw[0], 10)
        let afterVersion = 1 + "8.0.36".utf8.count + 1
        XCTAssertEqual(Array(raw[(afterVersion + 4)..<(afterVersion + 12)]), Array(self.nonce.prefix(8)))
        let lowCaps = UInt16(raw[afterVersion + 13]) | UInt16(raw[afterVersion + 14]) << 8
        XCTAssertEqual(lowCaps & 1, 1, "bit 0 must be set or MariaDB clients assume extended capabilities")
        XCTAssertNotEqual(lowCaps & UInt16(CapabilityFlags.protocol41.rawValue), 0)
        XCTAssertEqual(raw[afterVersion + 20], 21, "auth-plugin-data-len")
        XCTAssertEqual(try HandshakeV10.decode(from: &buffer), greeting)
    }

    func testHandshakeResponseRoundTripsByCapabilities() throws {
        var flags = CapabilityFlags.clientDefault
        flags.insert(.connectWithDB)
        let response = HandshakeResponse41(
            capabilities: flags,
            username: "app",
            authResponse: Array(repeating: 7, count: 32),
            database: "shop",
            authPluginName: "caching_sha2_password",
            connectAttributes: ["_client_name": "libmariadb", "_os": "Linux"]
        )
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        XCTAssertEqual(try HandshakeResponse41.decode(from: &buffer), response)

        // The same response from a client without CONNECT_WITH_DB or attributes (fixed-length auth data).
        let old = HandshakeResponse41(
            capabilities: [.protocol41, .secureConnection, .longPassword],
            username: "node",
            authResponse: Array(repeating: 1, count: 20)
        )
        var oldBuffer = ByteBuffer()
        old.encode(into: &oldBuffer)
        let decoded = try HandshakeResponse41.decode(from: &oldBuffer)
        XCTAssertEqual(decoded.username, "node")
        XCTAssertNil(decoded.authPluginName)
        XCTAssertNil(decoded.database)
    }

    func testSSLRequestIsTheFixed32BytePrefix() {
        var buffer = ByteBuffer()
        HandshakeResponse41.encodeSSLRequest(capabilities: .clientDefault, into: &buffer)
        XCTAssertEqual(buffer.readableBytes, HandshakeResponse41.sslRequestLength)
        XCTAssertTrue(HandshakeResponse41.peekCapabilities(buffer)!.contains(.ssl))
    }

    func testTruncatedResponsesAreErrorsNotCrashes() {
        var full = ByteBuffer()
        HandshakeResponse41(capabilities: .clientDefault, username: "user", authResponse: [1, 2, 3]).encode(into: &full)
        var whole = full
        XCTAssertEqual(try HandshakeResponse41.decode(from: &whole).username, "user")
        // Fixed header (32), "user\0" (5), the length-encoded auth response (4): a cut into these is an error; past
        // them, the database and plugin name are optional and a response without them is read as the server does.
        let required = 32 + 5 + 4
        for length in 0..<full.readableBytes {
            var prefix = full.getSlice(at: 0, length: length)!
            if length < required {
                XCTAssertThrowsError(
                    try HandshakeResponse41.decode(from: &prefix),
                    "\(length) of \(full.readableBytes) bytes"
                )
            } else {
                XCTAssertEqual(
                    try HandshakeResponse41.decode(from: &prefix).authResponse,
                    [1, 2, 3],
                    "\(length) bytes"
                )
            }
        }
    }

    func testErrorPacketBytes() throws {
        var buffer = ByteBuffer()
        ErrorPacket.tooManyConnections.encode(into: &buffer)
        XCTAssertEqual(buffer.hexString, "ff1004" + hex("#08004Too many connections".utf8))
        XCTAssertEqual(try ErrorPacket.decode(from: &buffer), .tooManyConnections)
    }

    func testResultSetEndsWithEOFOrOKDependingOnDeprecateEOF() {
        let set = ResultSet(columns: [ColumnDefinition41(name: "a", type: .longlong)], rows: [[.integer(1)], [.null]])
        let classic = CommandResponse.resultSet(set).payloads(deprecateEOF: false)
        XCTAssertEqual(classic.count, 1 + 1 + 1 + 2 + 1)
        XCTAssertEqual(classic[2].hexString, "fe00000200")
        XCTAssertEqual(classic[4].hexString, "fb")
        let modern = CommandResponse.resultSet(set).payloads(deprecateEOF: true)
        XCTAssertEqual(modern.count, 1 + 1 + 2 + 1)
        XCTAssertEqual(modern.last?.hexString, "fe000002000000")
    }

    func testBinaryRowRoundTrip() throws {
        let columns = [
            ColumnDefinition41(name: "i", type: .longlong), ColumnDefinition41(name: "d", type: .double),
            ColumnDefinition41(name: "s", type: .varString), ColumnDefinition41(name: "n", type: .varString),
            ColumnDefinition41(name: "t", type: .datetime),
        ]
        let row: [MySQLValue] = [.integer(-5), .double(2.5), .text("héllo"), .null, .text("2024-02-29 13:14:15")]
        var buffer = ByteBuffer()
        BinaryRow.encode(row, columns: columns, into: &buffer)
        XCTAssertEqual(try BinaryRow.decode(from: &buffer, columns: columns), row)
    }
}
