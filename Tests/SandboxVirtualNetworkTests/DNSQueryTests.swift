import SandboxVirtualNetwork
import XCTest

/// The VPC resolver's messages as bytes (RFC 1035): a query's question, A answers, empty answers, NXDOMAIN, and
/// input that is not a standard query.
final class DNSQueryTests: XCTestCase {
    /// A query as Go's resolver sends one: id, RD, one question, an EDNS0 OPT record in the additional section.
    private func query(_ name: String, type: UInt16, id: UInt16 = 0xBEEF) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]
        for label in name.split(separator: ".") { bytes += [UInt8(label.utf8.count)] + Array(label.utf8) }
        bytes += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        return bytes + [0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0]
    }

    func testAnAQueryForASandboxNameGetsItsAddress() throws {
        let bytes = self.query("App-Proxy.proxy-abc.us-east-1.rds.amazonaws.com", type: DNSQuery.typeA)
        let query = try XCTUnwrap(DNSQuery(bytes))
        XCTAssertEqual(query.name, "app-proxy.proxy-abc.us-east-1.rds.amazonaws.com")
        XCTAssertEqual(query.type, DNSQuery.typeA)
        let answer = query.answer(address: "127.81.120.13", ttl: 5)
        let questionEnd = bytes.count - 11
        XCTAssertEqual(
            Array(answer[0..<12]),
            [0xBE, 0xEF, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0],
            "id, QR AA RD, RA, NOERROR, one answer"
        )
        XCTAssertEqual(Array(answer[12..<questionEnd]), Array(bytes[12..<questionEnd]), "the question echoed")
        XCTAssertEqual(Array(answer[questionEnd...]), [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 127, 81, 120, 13])
    }

    func testOtherTypesOfAKnownNameHaveNoRecordsAndUnknownNamesAreNXDOMAIN() throws {
        let aaaa = try XCTUnwrap(DNSQuery(self.query("db.example", type: DNSQuery.typeAAAA))).answer(
            address: "127.0.0.9",
            ttl: 1
        )
        XCTAssertEqual(Array(aaaa[2..<8]), [0x85, 0x80, 0, 1, 0, 0], "NOERROR, no answer")
        let unknown = try XCTUnwrap(DNSQuery(self.query("elsewhere.example", type: DNSQuery.typeA))).answer(
            address: nil,
            ttl: 1
        )
        XCTAssertEqual(Array(unknown[2..<8]), [0x85, 0x83, 0, 1, 0, 0], "NXDOMAIN")
    }

    func testWhatIsNotAStandardQueryGetsNoAnswer() {
        let good = self.query("a.example", type: DNSQuery.typeA)
        var response = good
        response[2] |= 0x80
        var update = good
        update[2] = 5 << 3
        var noQuestion = good
        noQuestion[5] = 0
        for bad in [
            [], Array(good.prefix(11)), Array(good.prefix(20)), response, update, noQuestion,
            Array(repeating: 0xFF, count: 40),
        ] {
            XCTAssertNil(DNSQuery(bad), "\(bad)")
        }
    }
}
