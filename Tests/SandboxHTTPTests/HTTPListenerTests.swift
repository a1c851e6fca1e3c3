import Hummingbird
import Logging
import SandboxHTTP
import SandboxTesting
import XCTest

/// One HTTP listener as every sandbox server runs it: bound on an ephemeral port when run, the peer's address in
/// each request's context, a body over its limit refused with the connection closed before the rest is read, and
/// stopped by cancelling its task. curl is the client.
final class HTTPListenerTests: XCTestCase {
    static let limit = 1024

    static func listener() -> HTTPListener {
        let router = Router(context: PeerRequestContext.self)
        router.get("/peer") { _, context in context.remoteAddress?.ipAddress ?? "none" }
        router.post("/body") { request, context -> Response in
            var request = request
            do {
                let body = try await request.collectBody(within: Self.limit)
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "\(body.readableBytes)")))
            } catch {
                return Response(status: .contentTooLarge).closingConnection(context.channel)
            }
        }
        return HTTPListener(
            responder: router.buildResponder(),
            host: "127.0.0.1",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    /// curl's status, body, bytes uploaded and response headers for a GET of `url`, or a POST of `bytes` zeros.
    func curl(
        _ url: String,
        posting bytes: Int? = nil
    ) async throws -> (status: String, body: String, sent: Int, headers: String) {
        let upload = bytes.map { "head -c \($0) /dev/zero | " } ?? ""
        let data = bytes == nil ? "" : "--data-binary @- -H 'Content-Type: application/octet-stream' -H 'Expect:'"
        let result = try await Subprocess.runOffThread([
            "sh", "-c",
            "\(upload)curl -sS --max-time 30 \(data) -D /dev/stderr -o /dev/stdout "
                + "-w '\\n%{http_code} %{size_upload}' \(url)",
        ])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let last = lines.last?.split(separator: " ").map(String.init) ?? []
        let body = lines.dropLast().joined(separator: "\n")
        return (last.first ?? "", body, Int(last.last ?? "") ?? -1, result.stderr.lowercased())
    }

    func testItServesOnItsPortWithThePeersAddressAndRefusesLargeBodiesWithoutReadingThem() async throws {
        let listener = Self.listener()
        let running = Task { try await listener.run() }
        defer { running.cancel() }
        let port = try await listener.listening.value
        XCTAssertGreaterThan(port, 0)
        XCTAssertEqual(listener.url, "http://127.0.0.1:\(port)")

        let peer = try await self.curl("\(listener.url)/peer")
        XCTAssertEqual(peer.status, "200")
        XCTAssertEqual(peer.body, "127.0.0.1")
        let small = try await self.curl("\(listener.url)/body", posting: 1000)
        XCTAssertEqual(small.status, "200")
        XCTAssertEqual(small.body, "1000")

        let megabytes = 256
        let large = try await self.curl("\(listener.url)/body", posting: megabytes << 20)
        XCTAssertEqual(large.status, "413", "\(large)")
        XCTAssertLessThan(large.sent, megabytes << 20, "the connection closed before the body was all sent: \(large)")
        XCTAssertTrue(large.headers.contains("connection: close"), "the answer says so: \(large.headers)")
        let next = try await self.curl("\(listener.url)/peer")
        XCTAssertEqual(next.status, "200", "and the listener goes on")

        running.cancel()
        _ = await running.result
        let after = try await self.curl("\(listener.url)/peer")
        XCTAssertEqual(after.status, "000", "stopped: nothing listens on the port any more")
    }
}
