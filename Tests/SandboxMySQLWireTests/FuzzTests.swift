import Foundation
import NIOCore
import SandboxMySQLWire
import SandboxTesting
import XCTest

/// A bounded randomized fuzz of the framer, the message decoders and the server state machine: random and
/// mutated packets (seeded from Fixtures/fuzz) must give errors or ERR packets, never a crash or a hang.
final class FuzzTests: XCTestCase {
    static let corpus: [[UInt8]] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.sorted().compactMap { name in
            (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
                .map { bytes(hex: $0.filter(\.isHexDigit)) }
        }
    }()

    func testCorpusIsPresent() {
        XCTAssertGreaterThanOrEqual(Self.corpus.count, 5, "Fixtures/fuzz holds the seed packets")
    }

    func testRandomAndMutatedInputNeverCrashes() {
        var generator = SplitMix64(seed: 0xC10D_5A4D)
        for iteration in 0..<3_000 {
            var input: [UInt8]
            if iteration % 3 == 0 || Self.corpus.isEmpty {
                input = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                input = Self.corpus[iteration % Self.corpus.count]
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !input.isEmpty {
                    let index = Int.random(in: 0..<input.count, using: &generator)
                    switch Int.random(in: 0...2, using: &generator) {
                    case 0: input[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: input.remove(at: index)
                    default: input.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                    }
                }
            }
            self.exercise(input)
        }
    }

    private func exercise(_ payload: [UInt8]) {
        // As a framed stream.
        var framer = MySQLPacketFramer(maxPacketSize: 1 << 20)
        var stream = ByteBuffer(bytes: payload)
        for _ in 0..<8 { guard (try? framer.nextPacket(from: &stream)) != nil else { break } }
        // As each decoder's input.
        var a = ByteBuffer(bytes: payload)
        _ = try? HandshakeResponse41.decode(from: &a)
        var b = ByteBuffer(bytes: payload)
        _ = try? HandshakeV10.decode(from: &b)
        var c = ByteBuffer(bytes: payload)
        _ = try? MySQLCommand.decode(from: &c) { _ in .init(parameterCount: 3) }
        var d = ByteBuffer(bytes: payload)
        _ = try? OKPacket.decode(from: &d)
        var e = ByteBuffer(bytes: payload)
        _ = try? ColumnDefinition41.decode(from: &e)
        var f = ByteBuffer(bytes: payload)
        _ = try? BinaryRow.decode(from: &f, columns: [ColumnDefinition41(name: "x", type: .datetime)])
        // As the server's view of a client: handshake phase, then command phase.
        var server = ServerConnectionStateMachine(configuration: .init(connectionID: 1, tlsAvailable: true))
        _ = server.connected()
        let action = server.packetReceived(MySQLPacket(sequenceID: 1, payload: ByteBuffer(bytes: payload)))
        guard case .askAuthMethod = action else { return }
        var next = server.authMethodDetermined(.success(.nativePassword))
        if case .write = next {  // an AuthSwitchRequest: answer it
            next = server.packetReceived(MySQLPacket(sequenceID: 3, payload: ByteBuffer()))
        }
        guard case .verify = next else { return XCTFail("expected verification, got \(next)") }
        guard case .authenticated = server.verdictReceived(.accepted) else { return XCTFail("expected login") }
        XCTAssertNotNil(server.session)
        _ = server.packetReceived(MySQLPacket(sequenceID: 0, payload: ByteBuffer(bytes: payload)))
    }
}
