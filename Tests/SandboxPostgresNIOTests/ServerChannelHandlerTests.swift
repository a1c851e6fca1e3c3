import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOSSL
import SandboxPKI
import SandboxPostgresWire
import XCTest

@testable import SandboxPostgresNIO

/// The PostgreSQL server channel handler on an `EmbeddedChannel`: a startup message framed across reads, a close in
/// the middle of one, an oversized message, bytes sent in the clear behind an SSLRequest refused (CVE-2021-23214),
/// and a real TLS handshake after `S`.
final class ServerChannelHandlerTests: XCTestCase {
    /// A session that lets everyone in and answers every command with an empty result.
    final class Session: PostgresServerSession {
        struct State {
            var commands: [PostgresServerStateMachine.Command] = []
            var closed = 0
        }

        let state = NIOLockedValueBox(State())

        func authMethod(
            for startup: PostgresServerStateMachine.Startup
        ) -> Result<PostgresServerStateMachine.AuthMethod, PostgresError> { .success(.trust) }

        func verify(
            _ startup: PostgresServerStateMachine.Startup,
            _ credential: PostgresServerStateMachine.Credential
        ) -> PostgresServerStateMachine.Verdict { .accepted(parameters: [("server_version", "15.0")]) }

        func authenticated(_ startup: PostgresServerStateMachine.Startup) {}

        func executeAtOnce(
            _ command: PostgresServerStateMachine.Command
        ) -> PostgresServerStateMachine.CommandResult? {
            self.state.withLockedValue { $0.commands.append(command) }
            return .completed([.commandComplete(tag: "SELECT 0")], .idle)
        }

        func execute(_ command: PostgresServerStateMachine.Command) async -> PostgresServerStateMachine.CommandResult {
            .completed([.commandComplete(tag: "SELECT 0")], .idle)
        }

        func closed() { self.state.withLockedValue { $0.closed += 1 } }
    }

    func start(tls: NIOSSLContext? = nil, maxMessageSize: Int = 1 << 20) throws -> (EmbeddedChannel, Session) {
        let channel = EmbeddedChannel()
        let session = Session()
        let setup = PostgresSessionSetup(
            machine: .init(tlsAvailable: tls != nil, processID: 7, secretKey: 42),
            tls: tls,
            session: session,
            maxMessageSize: maxMessageSize
        )
        try channel.pipeline.syncOperations.addHandler(
            PostgresServerChannelHandler(
                setup: setup,
                info: PostgresConnectionInfo(processID: 7, secretKey: 42),
                cancel: { _, _ in },
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        return (channel, session)
    }

    static func opening(_ message: OpeningMessage) -> ByteBuffer {
        var out = ByteBuffer()
        PostgresMessageFramer.write(type: nil, body: message.body(), into: &out)
        return out
    }

    static var startup: ByteBuffer {
        Self.opening(.startup(minor: 0, parameters: [("user", "app"), ("database", "app")]))
    }

    /// The messages in `bytes`, as a client reads them.
    static func messages(_ bytes: ByteBuffer?) throws -> [BackendMessage] {
        var bytes = try XCTUnwrap(bytes, "the server answered")
        var framer = PostgresMessageFramer(untyped: false)
        var messages: [BackendMessage] = []
        while let frame = try framer.nextFrame(from: &bytes) { messages.append(try BackendMessage(frame)) }
        return messages
    }

    func testAStartupSplitAcrossReadsIsAnsweredWhenItsLastByteArrives() throws {
        let (channel, _) = try self.start()
        var startup = Self.startup
        for length in [2, 9] {
            try channel.writeInbound(startup.readSlice(length: length)!)
            XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), "nothing answers part of a message")
        }
        try channel.writeInbound(startup)
        let messages = try Self.messages(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(messages.first, .authentication(.ok))
        XCTAssertTrue(messages.contains(.backendKeyData(processID: 7, secretKey: 42)))
        XCTAssertEqual(messages.last, .readyForQuery(.idle))
    }

    func testAClosedConnectionWithHalfAMessageEndsTheSessionQuietly() throws {
        let (channel, session) = try self.start()
        var startup = Self.startup
        try channel.writeInbound(startup.readSlice(length: startup.readableBytes / 2)!)
        try channel.close().wait()
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(session.state.withLockedValue { $0.closed }, 1)
    }

    func testAMessageOverTheLimitIsAFatalProtocolViolationAndCloses() throws {
        let (channel, session) = try self.start(maxMessageSize: 1024)
        try channel.writeInbound(Self.startup)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        var query = ByteBuffer()
        query.writeInteger(UInt8(ascii: "Q"))
        query.writeInteger(Int32(4 + 4096))  // a 4 KB query announced
        try channel.writeInbound(query)
        let messages = try Self.messages(try channel.readOutbound(as: ByteBuffer.self))
        guard case let .error(error)? = messages.first else { return XCTFail("an ErrorResponse: \(messages)") }
        XCTAssertEqual(error.sqlState, "08P01")
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(session.state.withLockedValue { $0.commands.count }, 0, "nothing of it ran")
    }

    func testBytesInTheClearBehindAnSSLRequestAreRefused() throws {
        let ca = try CertificateAuthority(commonName: "test CA")
        let issued = try ca.issueServerCertificate(commonName: "db", dnsNames: ["db.local"], ipAddresses: [])
        let (channel, _) = try self.start(tls: try NIOSSLContext(configuration: issued.serverTLSConfiguration()))
        var first = Self.opening(.sslRequest)
        var startup = Self.startup
        first.writeBuffer(&startup)
        try channel.writeInbound(first)  // the SSLRequest and a startup in one read: sent before the server said S
        let messages = try Self.messages(try channel.readOutbound(as: ByteBuffer.self))
        guard case let .error(error)? = messages.first else { return XCTFail("an ErrorResponse: \(messages)") }
        XCTAssertEqual(error.sqlState, "08P01")
        XCTAssertEqual(error.message, "received unencrypted data after SSL request")
        XCTAssertFalse(channel.isActive)
    }

    func testTLSAfterSAndTheStartupInsideIt() throws {
        let ca = try CertificateAuthority(commonName: "test CA")
        let issued = try ca.issueServerCertificate(commonName: "db", dnsNames: ["db.local"], ipAddresses: [])
        let (server, _) = try self.start(tls: try NIOSSLContext(configuration: issued.serverTLSConfiguration()))
        try server.writeInbound(Self.opening(.sslRequest))
        XCTAssertEqual(try server.readOutbound(as: ByteBuffer.self), ByteBuffer(integer: UInt8(ascii: "S")))
        let client = EmbeddedChannel()
        let tls = try ClientTLS.trusting(caPEM: ca.certificatePEM, serverHostname: "db.local")
        try client.pipeline.syncOperations.addHandler(
            try NIOSSLClientHandler(context: tls.sslContext(), serverHostname: "db.local")
        )
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        client.writeAndFlush(Self.startup, promise: nil)  // sent once the handshake is done
        var answer = ByteBuffer()
        for _ in 0..<10 where answer.readableBytes == 0 {
            while let bytes = try client.readOutbound(as: ByteBuffer.self) { try server.writeInbound(bytes) }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) { try client.writeInbound(bytes) }
            while var bytes = try client.readInbound(as: ByteBuffer.self) { answer.writeBuffer(&bytes) }
        }
        let messages = try Self.messages(answer)
        XCTAssertEqual(messages.first, .authentication(.ok), "the startup sent inside TLS was read and answered")
        XCTAssertEqual(messages.last, .readyForQuery(.idle))
    }
}
