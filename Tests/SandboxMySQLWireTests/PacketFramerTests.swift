import NIOCore
import SandboxMySQLWire
import XCTest

final class PacketFramerTests: XCTestCase {
    func testHeaderIsThreeByteLittleEndianLengthAndSequence() {
        var out = ByteBuffer()
        let next = MySQLPacketFramer.write(payload: ByteBuffer(bytes: [0x0E]), sequenceID: 0, into: &out)
        XCTAssertEqual(out.hexString, "010000000e")  // COM_PING
        XCTAssertEqual(next, 1)
    }

    func testReassemblesAcrossPartialReads() throws {
        var framer = MySQLPacketFramer()
        var input = ByteBuffer(hex: "0300")
        XCTAssertNil(try framer.nextPacket(from: &input))
        input.writeBytes(bytes(hex: "0005616263"))
        input.writeBytes(bytes(hex: "01000006"))
        let first = try XCTUnwrap(try framer.nextPacket(from: &input))
        XCTAssertEqual(first.sequenceID, 5)
        XCTAssertEqual(first.payload.hexString, "616263")
        XCTAssertNil(try framer.nextPacket(from: &input))
    }

    func testPayloadsOf16MiBAndMoreAreSplitAndJoined() throws {
        for size in [0xFF_FFFF - 1, 0xFF_FFFF, 0xFF_FFFF + 10] {
            let payload = ByteBuffer(repeating: 0xAB, count: size)
            var wire = ByteBuffer()
            let next = MySQLPacketFramer.write(payload: payload, sequenceID: 3, into: &wire)
            // A payload of exactly 0xFFFFFF bytes needs a trailing empty frame.
            XCTAssertEqual(next, size >= 0xFF_FFFF ? 5 : 4, "size \(size)")
            var framer = MySQLPacketFramer()
            let packet = try XCTUnwrap(try framer.nextPacket(from: &wire))
            XCTAssertEqual(packet.sequenceID, 3)
            XCTAssertEqual(packet.payload.readableBytes, size)
            XCTAssertEqual(wire.readableBytes, 0)
        }
    }

    func testOversizedAndOutOfSequenceAreRefused() {
        var framer = MySQLPacketFramer(maxPacketSize: 16)
        var big = ByteBuffer(hex: "2000000000")
        XCTAssertThrowsError(try framer.nextPacket(from: &big)) {
            XCTAssertEqual($0 as? MySQLProtocolError, .packetTooLarge(size: 32, limit: 16))
        }
        var split = MySQLPacketFramer()
        var wire = ByteBuffer()
        wire.writeBytes([0xFF, 0xFF, 0xFF, 0x00])
        wire.writeRepeatingByte(0, count: 0xFF_FFFF)
        wire.writeBytes([0x00, 0x00, 0x00, 0x07])
        XCTAssertThrowsError(try split.nextPacket(from: &wire)) {
            XCTAssertEqual($0 as? MySQLProtocolError, .outOfSequence(expected: 1, received: 7))
        }
    }

    func testLengthEncodedIntegerBoundaries() {
        let cases: [(UInt64, String)] = [
            (0, "00"), (250, "fa"), (251, "fcfb00"), (65_535, "fcffff"), (65_536, "fd000001"),
            (16_777_215, "fdffffff"), (16_777_216, "fe0000000100000000"),
        ]
        for (value, expected) in cases {
            var buffer = ByteBuffer()
            buffer.writeLengthEncodedInteger(value)
            XCTAssertEqual(buffer.hexString, expected, "\(value)")
            XCTAssertEqual(buffer.readLengthEncodedInteger(), value)
        }
        var null = ByteBuffer(hex: "fb")
        XCTAssertNil(null.readLengthEncodedInteger())
        var truncated = ByteBuffer(hex: "fd0100")
        XCTAssertNil(truncated.readLengthEncodedInteger())
    }
}
