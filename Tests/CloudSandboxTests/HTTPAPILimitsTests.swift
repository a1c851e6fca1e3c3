import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

/// API Gateway's limits as AWS has them: a body over 10 MB gets 413 `{"message":"Request Entity Too Large"}` and
/// the connection is closed without reading the rest, whether the length is declared or the body is chunked;
/// a request line and headers over 10,240 bytes get 431. curl is the client: it reads an early answer while it is
/// still sending.
final class HTTPAPILimitsTests: XCTestCase {
    static let yaml = """
        iam:
          roles:
            - name: fn-role
              trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: \
        lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
        functions:
          - {name: echo, role: fn-role, builtin: {echo: {}}}
        apis:
          - name: limits
            routes:
              - {route: "POST /echo", function: echo}
        """

    /// `curl` POSTing `megabytes` of zeros (`chunked`: streamed without a length, and without `Expect: 100-continue`,
    /// for which curl would wait a second: the sandbox sends no interim 100); its status, body and time.
    private func post(
        _ url: String,
        megabytes: Int,
        chunked: Bool
    ) async throws -> (status: String, body: String, seconds: String) {
        let upload = chunked ? "-T - -X POST -H 'Transfer-Encoding: chunked' -H 'Expect:'" : "--data-binary @-"
        let script =
            "head -c \(megabytes * 1024 * 1024) /dev/zero | curl -sS --max-time 60 -o /dev/stdout -w "
            + "'\\n%{http_code} %{time_total}' "
            + "-H 'Content-Type: application/octet-stream' \(upload) \(url)/echo"
        let result = try await Subprocess.runOffThread(["sh", "-c", script])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let last = lines.last.map(String.init)?.split(separator: " ").map(String.init) ?? []
        return (last.first ?? "", lines.dropLast().joined(separator: "\n"), last.count > 1 ? last[1] : "?")
    }

    func testBodiesOverTenMegabytesGet413AtOnce() async throws {
        try await withSandbox(try TopologyLoader.parse(Self.yaml)) { sandbox in
            let url = try XCTUnwrap(sandbox.endpoints.apis?["limits"]?.url)
            for (megabytes, chunked) in [(20, false), (200, true), (200, false)] {
                let answer = try await self.post(url, megabytes: megabytes, chunked: chunked)
                XCTAssertEqual(answer.status, "413", "\(megabytes) MB chunked=\(chunked): \(answer)")
                XCTAssertEqual(answer.body, #"{"message":"Request Entity Too Large"}"#, "\(megabytes) MB")
                print("413 for \(megabytes) MB (chunked: \(chunked)) after \(answer.seconds) s")
            }
            // The API still answers, and a body within the limit goes through.
            let small = try await self.post(url, megabytes: 1, chunked: false)
            XCTAssertEqual(small.status, "200", "\(small)")
        }
    }

    func testHeadersOverTheQuotaGet431() async throws {
        try await withSandbox(try TopologyLoader.parse(Self.yaml)) { sandbox in
            let url = try XCTUnwrap(sandbox.endpoints.apis?["limits"]?.url)
            // curl reads the header from a file: a value this long does not fit on a command line.
            func post(headerBytes: Int) async throws -> String {
                let file = NSTemporaryDirectory() + "header-\(UUID().uuidString.prefix(8))"
                try ("X-Big: " + String(repeating: "a", count: headerBytes) + "\n").write(
                    toFile: file,
                    atomically: true,
                    encoding: .utf8
                )
                defer { try? FileManager.default.removeItem(atPath: file) }
                return try await Subprocess.runOffThread([
                    "curl", "-sS", "--max-time", "30", "-o", "/dev/stdout", "-w", "\n%{http_code}",
                    "-H", "@\(file)", "--data", "{}", "\(url)/echo",
                ]).stdout
            }
            let within = try await post(headerBytes: 9_000)
            XCTAssertTrue(within.hasSuffix("\n200"), within)
            for size in [11_000, 70_000] {
                let over = try await post(headerBytes: size)
                XCTAssertEqual(
                    over,
                    #"{"message":"Request Header Fields Too Large"}"# + "\n431",
                    "\(size) bytes of header"
                )
            }
        }
    }
}
