import Foundation
import SandboxVirtualNetwork
import XCTest

/// Names the sandbox does not hold, forwarded as the VPC's resolver forwards public names: the forward table's ids,
/// a real responder in front of a loopback upstream (its answer comes back under the client's id; a silent one gives
/// SERVFAIL, never a hang), and `network.dnsForwarder` as written.
final class DNSForwardingTests: XCTestCase {
    func testTheTableGivesEachInFlightQueryItsOwnIdAndSettlesItOnce() {
        var table = DNSForwardTable<String>(limit: 2, firstID: 0xFFFF)
        let first = table.forward(id: 7, client: "a")
        let second = table.forward(id: 7, client: "b")
        XCTAssertEqual(first, 0xFFFF)
        XCTAssertEqual(second, 0, "ids wrap around")
        XCTAssertNil(table.forward(id: 9, client: "c"), "at the limit a query is refused, not queued")
        XCTAssertEqual(table.settle(0)?.client, "b")
        XCTAssertNil(table.settle(0), "an answer after the deadline (or twice) goes nowhere")
        XCTAssertEqual(table.forward(id: 9, client: "c"), 1)
        XCTAssertEqual(table.settle(0xFFFF).map { [String($0.id), $0.client] }, ["7", "a"])
        XCTAssertEqual(table.inFlight, 1)
    }

    func testAnUnknownNameIsAskedUpstreamAndASilentUpstreamGivesServerFailure() async throws {
        let upstream = try UDPSocket()
        let responder = try await DNSResponder(
            host: "127.0.0.1",
            forwarder: try .init(ipAddress: "127.0.0.1", port: upstream.port),
            forwardTimeout: .milliseconds(300)
        ) { $0 == "db.sandbox.example" ? "127.0.0.9" : nil }
        addTeardownBlock { await responder.close() }
        let client = try UDPSocket()
        // A sandbox name is answered here; the upstream hears nothing of it.
        try client.send(Self.query("db.sandbox.example", id: 0x1111), port: responder.port)
        let local = try XCTUnwrap(client.receive())
        XCTAssertEqual(Array(local[0..<4]), [0x11, 0x11, 0x85, 0x80])
        // Another name goes upstream under the responder's own id, and the answer comes back under the client's.
        try client.send(Self.query("api.partner.example", id: 0x2222), port: responder.port)
        let asked = try XCTUnwrap(upstream.receive(), "the upstream got the query")
        XCTAssertEqual(
            Array(asked[12...]),
            Array(Self.query("api.partner.example", id: 0)[12...]),
            "the question as the client sent it"
        )
        var answer = asked
        answer[2] |= 0x80
        answer[3] = 0x80
        try upstream.send(answer, port: responder.port)
        let forwarded = try XCTUnwrap(client.receive())
        XCTAssertEqual(Array(forwarded[0..<4]), [0x22, 0x22, asked[2] | 0x80, 0x80])
        // No upstream answer: SERVFAIL when the deadline passes.
        try client.send(Self.query("silent.partner.example", id: 0x3333), port: responder.port)
        XCTAssertNotNil(upstream.receive())
        let failure = try XCTUnwrap(client.receive(timeout: 5))
        XCTAssertEqual(Array(failure[0..<4]), [0x33, 0x33, 0x81, 0x82], "SERVFAIL")
    }

    func testTheForwarderIsALoopbackAddressAndPortOrTheSystemsLoopbackNameserver() throws {
        XCTAssertEqual(
            try DNSForwarder("127.0.0.53:5353", path: "network.dnsForwarder"),
            try DNSForwarder("127.0.0.53:5353", path: "x")
        )
        let conf = FileManager.default.temporaryDirectory.appendingPathComponent("resolv-\(UUID().uuidString).conf")
        addTeardownBlock { try? FileManager.default.removeItem(at: conf) }
        try "search example\nnameserver ::1\nnameserver 127.0.0.53\nnameserver 192.0.2.53\n".write(
            to: conf,
            atomically: true,
            encoding: .utf8
        )
        let system = try DNSForwarder("system", path: "network.dnsForwarder", resolvConf: conf.path)
        XCTAssertEqual([system.host, String(system.port)], ["127.0.0.53", "53"], "the first IPv4 nameserver")
        try "nameserver 192.0.2.53\n".write(to: conf, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DNSForwarder("system", path: "network.dnsForwarder", resolvConf: conf.path)) { error in
            XCTAssertTrue(
                "\(error)".contains("'system' is 192.0.2.53") && "\(error)".contains("run a local forwarder"),
                "\(error)"
            )
        }
        for (text, reason) in [
            ("127.0.0.2", "write \"a.b.c.d:port\""), ("resolver:53", "is not a DNS server"),
            ("127.0.0.2:0", "is not a DNS server"),
            ("192.0.2.53:53", "is not on loopback"),
        ] {
            XCTAssertThrowsError(try DNSForwarder(text, path: "network.dnsForwarder")) { error in
                XCTAssertTrue(
                    "\(error)".hasPrefix("network.dnsForwarder: '\(text)'") && "\(error)".contains(reason),
                    "\(error)"
                )
            }
        }
        XCTAssertThrowsError(try DNSForwarder("system", path: "network.dnsForwarder", resolvConf: "/nonexistent")) {
            error in
            XCTAssertTrue("\(error)".contains("lists no IPv4 nameserver"), "\(error)")
        }
    }

    private static func query(_ name: String, id: UInt16) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") { bytes += [UInt8(label.utf8.count)] + Array(label.utf8) }
        return bytes + [0, 0, 1, 0, 1]
    }
}

/// A UDP socket on 127.0.0.1 whose receives wait at most a few seconds.
private final class UDPSocket {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in(
            sin_family: sa_family_t(AF_INET),
            sin_port: 0,
            sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
            sin_zero: (0, 0, 0, 0, 0, 0, 0, 0)
        )
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(self.fd) }

    func send(_ bytes: [UInt8], port: Int) throws {
        var address = sockaddr_in(
            sin_family: sa_family_t(AF_INET),
            sin_port: UInt16(port).bigEndian,
            sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
            sin_zero: (0, 0, 0, 0, 0, 0, 0, 0)
        )
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(self.fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == bytes.count else { throw POSIXError(.EIO) }
    }

    /// The next datagram, or nil after `timeout` seconds.
    func receive(timeout: Int = 3) -> [UInt8]? {
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 1_500)
        let count = recv(self.fd, &buffer, buffer.count, 0)
        return count > 0 ? Array(buffer.prefix(count)) : nil
    }
}
