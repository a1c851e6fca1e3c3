import NIOCore
import SandboxPostgresWire
import SandboxScriptedPostgres
import SandboxTesting
import XCTest

/// Bytes no driver sends: each gets the ErrorResponse PostgreSQL sends, the connection closes where PostgreSQL closes
/// it, and the server goes on serving everyone else.
final class BadInputTests: XCTestCase {
    private static func untyped(_ body: [UInt8]) -> [UInt8] {
        var out = ByteBuffer()
        PostgresMessageFramer.write(type: nil, body: ByteBuffer(bytes: body), into: &out)
        return Array(out.readableBytesView)
    }

    private static func startup(_ parameters: [(String, String)]) -> [UInt8] {
        var out = ByteBuffer()
        PostgresMessageFramer.write(
            type: nil,
            body: OpeningMessage.startup(minor: 0, parameters: parameters).body(),
            into: &out
        )
        return Array(out.readableBytesView)
    }

    /// The server's messages in `bytes` (after an optional one-byte SSL answer).
    private static func messages(_ bytes: [UInt8]) -> [(type: UInt8, body: ByteBuffer)] {
        var buffer = ByteBuffer(bytes: bytes)
        var out: [(UInt8, ByteBuffer)] = []
        while buffer.readableBytes >= 5, let type = buffer.readInteger(as: UInt8.self),
            let length = buffer.readInteger(as: Int32.self),
            let body = buffer.readSlice(length: Int(length) - 4)
        {
            out.append((type, body))
        }
        return out
    }

    private static func errors(_ bytes: [UInt8]) -> [PostgresError] {
        self.messages(bytes).filter { $0.type == UInt8(ascii: "E") }.compactMap {
            try? PostgresError(parsingFields: $0.body)
        }
    }

    private func exchange(
        _ server: ScriptedPostgresServer,
        _ bytes: [UInt8]
    ) throws -> (errors: [PostgresError], closed: Bool) {
        let socket = try RawSocket(host: server.host, port: server.port, timeout: 5)
        socket.send(bytes)
        let (answer, closed) = socket.readAll()
        return (Self.errors(answer), closed)
    }

    func testMalformedOpeningsAndMessagesAreRefusedAndTheServerGoesOn() async throws {
        let server = try await PostgresTestServer.start {
            $0.users.append(PostgresUser(name: "trusty", password: "t", method: .password))
        }
        defer { Task { await server.shutdown() } }

        var version2 = ByteBuffer()
        version2.writeInteger(Int32(2 << 16))
        version2.writeBytes(Array("user\0app\0\0".utf8))
        let old = try self.exchange(server, Self.untyped(Array(version2.readableBytesView)))
        XCTAssertEqual(old.errors.map(\.sqlState), ["0A000"])
        XCTAssertEqual(old.errors.first?.message, "unsupported frontend protocol 2.0: server supports 3.0 to 3.0")
        XCTAssertTrue(old.closed)

        let unterminated = try self.exchange(server, Self.untyped([0, 3, 0, 0] + Array("user".utf8)))
        XCTAssertEqual(unterminated.errors.map(\.sqlState), ["08P01"])
        XCTAssertTrue(unterminated.closed)

        let noUser = try self.exchange(server, Self.startup([("database", "items")]))
        XCTAssertEqual(noUser.errors.first?.message, "no PostgreSQL user name specified in startup packet")

        let huge = try self.exchange(server, [0, 0x10, 0, 0, 0, 3, 0, 0])
        XCTAssertEqual(huge.errors.map(\.sqlState), ["08P01"], "a startup packet over 10,000 bytes")
        XCTAssertTrue(huge.closed)

        // After a cleartext login: an unknown message type, then a Bind with the wrong parameter count.
        let socket = try RawSocket(host: server.host, port: server.port, timeout: 5)
        var password = ByteBuffer()
        password.writePostgresString("t")
        var login = ByteBuffer()
        FrontendMessage.authenticationResponse(password).write(into: &login)
        socket.send(Self.startup([("user", "trusty"), ("database", "items")]) + Array(login.readableBytesView))
        var pipeline = ByteBuffer()
        for message: FrontendMessage in [
            .parse(statement: "", query: "SELECT name FROM items WHERE id = $1", parameterTypes: []),
            .bind(portal: "", statement: "", parameterFormats: [], parameters: [], resultFormats: []),
            .execute(portal: "", maxRows: 0), .sync, .query("SELECT 1"),
        ] {
            message.write(into: &pipeline)
        }
        pipeline.writeBytes([UInt8(ascii: "x"), 0, 0, 0, 4])
        socket.send(Array(pipeline.readableBytesView))
        let (answer, closed) = socket.readAll()
        XCTAssertEqual(
            Self.errors(answer).map(\.message),
            [
                "bind message supplies 0 parameters, but prepared statement \"\" requires 1",
                "invalid frontend message type 120",
            ]
        )
        XCTAssertTrue(
            Self.messages(answer).contains { $0.type == UInt8(ascii: "D") },
            "the SELECT 1 between them was answered"
        )
        XCTAssertTrue(closed)

        let still = try await server.psql("scram", "scram-pw", ["SELECT count(*) FROM items"])
        XCTAssertEqual(still.stdout, "3\n", still.stderr)
    }
}
