import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOSSL
import NIOTLS
import SandboxLifecycle
import SandboxMySQLWire
import SandboxPKI
import XCTest

@testable import SandboxMySQLNIO

/// The server channel handler on an `EmbeddedChannel`: packets framed across reads, a close in the middle of one,
/// an oversized one, TLS started on bytes that came in the same read as the SSLRequest, and reads held while a
/// command runs with a backlog behind it.
final class ServerChannelHandlerTests: XCTestCase {
    /// A session whose logins and commands the test decides.
    final class Session: MySQLServerSession {
        struct State {
            var refusal: ErrorPacket?
            var running: EventLoopPromise<CommandResponse>?
            var commands: [MySQLCommand] = []
            var closed = 0
            var failures: [String] = []
        }

        let state = NIOLockedValueBox(State())
        let eventLoop: any EventLoop

        init(eventLoop: any EventLoop, refusal: ErrorPacket? = nil) {
            self.eventLoop = eventLoop
            self.state.withLockedValue { $0.refusal = refusal }
        }

        func authMethod(for request: ServerAuthRequest) -> Result<MySQLAuthPlugin, ErrorPacket> {
            self.state.withLockedValue { $0.refusal.map { .failure($0) } ?? .success(.nativePassword) }
        }

        func verify(_ request: ServerAuthRequest, proof: AuthProof) -> AuthVerdict { .accepted }
        func authenticated(_ request: ServerAuthRequest) {}
        func execute(_ command: MySQLCommand) async -> CommandResponse { .ok(OKPacket()) }

        func startExecute(_ command: MySQLCommand, writer: MySQLResponseWriter) -> EventLoopFuture<CommandResponse>? {
            let promise = self.eventLoop.makePromise(of: CommandResponse.self)
            self.state.withLockedValue {
                $0.commands.append(command)
                $0.running = promise
            }
            return promise.futureResult
        }

        func failed(_ error: any Error) { self.state.withLockedValue { $0.failures.append("\(error)") } }
        func closed() { self.state.withLockedValue { $0.closed += 1 } }
    }

    /// Counts the reads that reach the head of the pipeline (the socket).
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            self.reads += 1
            context.read()
        }
    }

    func start(
        refusal: ErrorPacket? = nil,
        tls: NIOSSLContext? = nil,
        maxPacketSize: Int = 1 << 20
    ) throws -> (EmbeddedChannel, Session) {
        let channel = EmbeddedChannel()
        let session = Session(eventLoop: channel.eventLoop, refusal: refusal)
        let setup = MySQLSessionSetup(
            machine: .init(connectionID: 7, defaultAuthPlugin: .nativePassword, tlsAvailable: tls != nil),
            tls: tls,
            session: session,
            maxPacketSize: maxPacketSize
        )
        let info = MySQLConnectionInfo(id: 7, remoteAddress: nil, localAddress: nil)
        try channel.pipeline.syncOperations.addHandler(
            MySQLServerChannelHandler(
                setup: setup,
                info: info,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3306)).wait()
        let greeting = try XCTUnwrap(
            try channel.readOutbound(as: ByteBuffer.self),
            "the greeting is written on connect"
        )
        XCTAssertEqual(greeting.getInteger(at: 4, as: UInt8.self), 10, "protocol version 10")
        return (channel, session)
    }

    static func framed(_ sequenceID: UInt8, _ write: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var payload = ByteBuffer()
        write(&payload)
        var out = ByteBuffer()
        MySQLPacketFramer.write(payload: payload, sequenceID: sequenceID, into: &out)
        return out
    }

    static var login: ByteBuffer {
        Self.framed(1) {
            HandshakeResponse41(
                capabilities: .clientDefault,
                username: "app",
                authResponse: Array(repeating: 7, count: 20),
                authPluginName: "mysql_native_password"
            ).encode(into: &$0)
        }
    }

    static func query(_ sql: String) -> ByteBuffer {
        Self.framed(0) {
            $0.writeInteger(UInt8(3))
            $0.writeString(sql)
        }
    }

    func testAPacketSplitAcrossReadsIsFramedWhenItsLastByteArrives() throws {
        let (channel, session) = try self.start(refusal: ErrorPacket(code: 1045, sqlState: "28000", message: "no"))
        var login = Self.login
        for length in [1, 10] {
            try channel.writeInbound(login.readSlice(length: length)!)
            XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), "nothing answers part of a packet")
        }
        try channel.writeInbound(login)
        var reply = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        reply.moveReaderIndex(forwardBy: 4)
        XCTAssertEqual(
            try ErrorPacket.decode(from: &reply).code,
            1045,
            "the session's refusal, once the packet is whole"
        )
        XCTAssertFalse(channel.isActive, "a refused login closes")
        XCTAssertEqual(session.state.withLockedValue { $0.closed }, 1)
    }

    func testAClosedConnectionWithHalfAPacketEndsTheSessionQuietly() throws {
        let (channel, session) = try self.start()
        var login = Self.login
        try channel.writeInbound(login.readSlice(length: login.readableBytes / 2)!)
        try channel.close().wait()
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(session.state.withLockedValue { $0.closed }, 1)
    }

    func testAPacketOverTheLimitGets1153AndCloses() throws {
        let (channel, _) = try self.start(maxPacketSize: 1024)
        var header = ByteBuffer()
        header.writeBytes([0x00, 0x10, 0x00, 0x01])  // a 4 KB payload announced
        try channel.writeInbound(header)
        var reply = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        reply.moveReaderIndex(forwardBy: 4)
        XCTAssertEqual(try ErrorPacket.decode(from: &reply).code, 1153)
        XCTAssertFalse(channel.isActive)
    }

    func testTLSStartsOnTheClientHelloThatCameWithTheSSLRequest() throws {
        let ca = try CertificateAuthority(commonName: "test CA")
        let issued = try ca.issueServerCertificate(commonName: "db", dnsNames: ["db.local"], ipAddresses: [])
        let (server, _) = try self.start(tls: try NIOSSLContext(configuration: issued.serverTLSConfiguration()))
        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        clientConfiguration.trustRoots = .certificates(
            try NIOSSLCertificate.fromPEMBytes(Array(ca.certificatePEM.utf8))
        )
        let client = EmbeddedChannel()
        let handshake = TLSHandshakeRecorder()
        try client.pipeline.syncOperations.addHandlers([
            try NIOSSLClientHandler(
                context: NIOSSLContext(configuration: clientConfiguration),
                serverHostname: "db.local"
            ), handshake,
        ])
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3306)).wait()
        var first = Self.framed(1) {
            HandshakeResponse41.encodeSSLRequest(capabilities: CapabilityFlags.clientDefault.union(.ssl), into: &$0)
        }
        while let hello = try client.readOutbound(as: ByteBuffer.self) {
            var hello = hello
            first.writeBuffer(&hello)
        }
        try server.writeInbound(first)  // the SSLRequest and the ClientHello in one read
        for _ in 0..<10 where !handshake.completed {
            while let bytes = try server.readOutbound(as: ByteBuffer.self) { try client.writeInbound(bytes) }
            while let bytes = try client.readOutbound(as: ByteBuffer.self) { try server.writeInbound(bytes) }
        }
        XCTAssertTrue(handshake.completed, "the bytes behind the SSLRequest went to TLS, and the handshake finished")
        XCTAssertTrue(server.isActive)
    }

    func testReadsAreHeldWhileACommandRunsWithABacklogAndResumeAfter() throws {
        let (channel, session) = try self.start()
        let counter = ReadCounter()
        try channel.pipeline.syncOperations.addHandler(counter, position: .first)
        try channel.writeInbound(Self.login)
        XCTAssertNotNil(try channel.readOutbound(as: ByteBuffer.self), "OK after the login")
        try channel.writeInbound(Self.query("SELECT SLEEP(10)"))
        XCTAssertEqual(session.state.withLockedValue { $0.commands.count }, 1)
        channel.read()
        XCTAssertEqual(counter.reads, 1, "a read passes while little waits behind the command")
        try channel.writeInbound(Self.query(String(repeating: "x", count: BusyReadGate.limit + 1)))
        channel.read()
        XCTAssertEqual(counter.reads, 1, "held: 64 KB wait behind the running command")
        session.state.withLockedValue { $0.running }?.succeed(.ok(OKPacket()))
        XCTAssertEqual(counter.reads, 2, "the held read goes out once the backlog is taken")
        XCTAssertEqual(session.state.withLockedValue { $0.commands.count }, 2, "the next command runs")
    }
}

/// Records TLS's handshake completing.
final class TLSHandshakeRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var completed = false
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { self.completed = true }
        context.fireUserInboundEventTriggered(event)
    }
}
