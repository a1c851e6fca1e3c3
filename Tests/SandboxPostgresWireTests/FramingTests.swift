import NIOCore
import SandboxPostgresWire
import XCTest

/// Framing across reads, the opening messages (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest), the
/// client's messages and the server's, and what malformed input becomes: an error, never a crash.
final class FramingTests: XCTestCase {
    private func frames(_ bytes: [UInt8], untyped: Bool, chunk: Int) throws -> [PostgresFrame] {
        var framer = PostgresMessageFramer(untyped: untyped)
        var buffer = ByteBuffer()
        var frames: [PostgresFrame] = []
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            buffer.writeBytes(bytes[start..<min(start + chunk, bytes.count)])
            while let frame = try framer.nextFrame(from: &buffer) {
                frames.append(frame)
                framer.untyped = false
            }
        }
        XCTAssertEqual(buffer.readableBytes, 0)
        return frames
    }

    func testAStartupThenQueriesFrameTheSameInAnySizeOfRead() throws {
        let startup = OpeningMessage.startup(
            minor: 0,
            parameters: [("user", "app"), ("database", "items"), ("application_name", "psql")]
        )
        var bytes = ByteBuffer()
        PostgresMessageFramer.write(type: nil, body: startup.body(), into: &bytes)
        var query = ByteBuffer()
        query.writePostgresString("SELECT 1")
        PostgresMessageFramer.write(type: UInt8(ascii: "Q"), body: query, into: &bytes)
        PostgresMessageFramer.write(type: UInt8(ascii: "X"), body: ByteBuffer(), into: &bytes)
        let all = Array(bytes.readableBytesView)
        for chunk in [1, 2, 3, 7, all.count] {
            let frames = try self.frames(all, untyped: true, chunk: chunk)
            XCTAssertEqual(frames.count, 3, "chunk \(chunk)")
            XCTAssertEqual(try OpeningMessage(parsing: frames[0].body), startup)
            XCTAssertEqual(try FrontendMessage(frames[1]), .query("SELECT 1"))
            XCTAssertEqual(try FrontendMessage(frames[2]), .terminate)
        }
    }

    func testTheOpeningMessagesAndAnUnsupportedVersion() throws {
        for message in [OpeningMessage.sslRequest, .gssEncryptionRequest, .cancel(processID: 42, secretKey: -7)] {
            XCTAssertEqual(try OpeningMessage(parsing: message.body()), message)
        }
        XCTAssertEqual(Array(OpeningMessage.sslRequest.body().readableBytesView), [0x04, 0xD2, 0x16, 0x2F], "80877103")
        var version2 = ByteBuffer()
        version2.writeInteger(Int32(2 << 16))
        XCTAssertThrowsError(try OpeningMessage(parsing: version2)) {
            XCTAssertEqual($0 as? OpeningMessageError, .unsupportedVersion(major: 2, minor: 0))
        }
        var unterminated = ByteBuffer()
        unterminated.writeInteger(Int32(3 << 16))
        unterminated.writeString("user")
        XCTAssertThrowsError(try OpeningMessage(parsing: unterminated)) { error in
            guard case .protocolViolation(.malformed)? = error as? OpeningMessageError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testTheExtendedProtocolsMessages() throws {
        var bind = ByteBuffer()
        bind.writePostgresString("")
        bind.writePostgresString("s1")
        bind.writeMultipleIntegers(
            Int16(1),
            Int16(1),
            Int16(2),
            Int32(4),
            UInt32(0x0000_002A),
            Int32(-1),
            Int16(1),
            Int16(0)
        )
        XCTAssertEqual(
            try FrontendMessage(PostgresFrame(type: UInt8(ascii: "B"), body: bind)),
            .bind(
                portal: "",
                statement: "s1",
                parameterFormats: [1],
                parameters: [[0, 0, 0, 42], nil],
                resultFormats: [0]
            )
        )
        var parse = ByteBuffer()
        parse.writePostgresString("s1")
        parse.writePostgresString("SELECT $1::int")
        parse.writeMultipleIntegers(Int16(1), Int32(23))
        XCTAssertEqual(
            try FrontendMessage(PostgresFrame(type: UInt8(ascii: "P"), body: parse)),
            .parse(statement: "s1", query: "SELECT $1::int", parameterTypes: [23])
        )
        var describe = ByteBuffer(bytes: [UInt8(ascii: "S")])
        describe.writePostgresString("s1")
        XCTAssertEqual(
            try FrontendMessage(PostgresFrame(type: UInt8(ascii: "D"), body: describe)),
            .describe(.statement, name: "s1")
        )
        var execute = ByteBuffer()
        execute.writePostgresString("")
        execute.writeInteger(Int32(0))
        XCTAssertEqual(
            try FrontendMessage(PostgresFrame(type: UInt8(ascii: "E"), body: execute)),
            .execute(portal: "", maxRows: 0)
        )
        XCTAssertEqual(try FrontendMessage(PostgresFrame(type: UInt8(ascii: "S"), body: ByteBuffer())), .sync)
    }

    func testTheServersMessagesAsTheProtocolWritesThem() throws {
        var out = ByteBuffer()
        BackendMessage.authentication(.ok).write(into: &out)
        BackendMessage.readyForQuery(.idle).write(into: &out)
        XCTAssertEqual(Array(out.readableBytesView), [0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5A, 0, 0, 0, 5, 0x49])
        var error = ByteBuffer()
        let refusal = PostgresError(
            .fatal,
            "28P01",
            "password authentication failed for user \"app\"",
            hint: "Check the password."
        )
        BackendMessage.error(refusal).write(into: &error)
        var framer = PostgresMessageFramer(untyped: false)
        let frame = try XCTUnwrap(try framer.nextFrame(from: &error))
        XCTAssertEqual(frame.type, UInt8(ascii: "E"))
        XCTAssertEqual(try PostgresError(parsingFields: frame.body), refusal)
        var row = ByteBuffer()
        BackendMessage.dataRow([Array("1".utf8), nil]).write(into: &row)
        XCTAssertEqual(
            Array(row.readableBytesView),
            [0x44, 0, 0, 0, 15, 0, 2, 0, 0, 0, 1, 0x31, 0xFF, 0xFF, 0xFF, 0xFF]
        )
    }

    func testMalformedInputIsAnErrorNeverACrash() throws {
        var short = PostgresMessageFramer(untyped: false)
        var badLength = ByteBuffer(bytes: [0x51, 0, 0, 0, 3])
        XCTAssertThrowsError(try short.nextFrame(from: &badLength)) {
            XCTAssertEqual($0 as? PostgresProtocolError, .badLength(3))
        }
        var huge = ByteBuffer(bytes: [0, 0, 0x30, 0])
        var opening = PostgresMessageFramer(untyped: true)
        XCTAssertThrowsError(try opening.nextFrame(from: &huge)) {
            XCTAssertEqual($0 as? PostgresProtocolError, .messageTooLarge(size: 12_284, limit: 10_000))
        }
        let truncated: [(UInt8, [UInt8])] = [
            (UInt8(ascii: "Q"), Array("SELECT".utf8)), (UInt8(ascii: "B"), [0, 0, 0, 1]),
            (UInt8(ascii: "P"), [0, 0, 0xFF, 0xFF]),
            (UInt8(ascii: "D"), [UInt8(ascii: "Z"), 0]), (UInt8(ascii: "E"), [0]), (0x01, []),
        ]
        for (type, body) in truncated {
            XCTAssertThrowsError(
                try FrontendMessage(PostgresFrame(type: type, body: ByteBuffer(bytes: body))),
                "\(type) \(body)"
            )
        }
        // Random bytes through every parser: errors or values, and the process stays up.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? OpeningMessage(parsing: ByteBuffer(bytes: bytes))
            _ = try? FrontendMessage(PostgresFrame(type: bytes.first, body: ByteBuffer(bytes: bytes.dropFirst())))
            _ = try? PostgresError(parsingFields: ByteBuffer(bytes: bytes))
            var framer = PostgresMessageFramer(untyped: bytes.first.map { $0 & 1 == 0 } ?? true)
            var buffer = ByteBuffer(bytes: bytes)
            _ = try? framer.nextFrame(from: &buffer)
        }
    }
}
