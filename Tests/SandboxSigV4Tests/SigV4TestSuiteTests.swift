import Foundation
import SandboxSigV4
import XCTest

/// AWS's published SigV4 test suite (Fixtures/sigv4): our signer reproduces every expected Authorization
/// header, and our verifier accepts it and refuses a tampered copy.
final class SigV4TestSuiteTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/sigv4")
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let date = SigV4Encoding.parseAmzDate("20150830T123600Z")!

    /// Parses a `.req` file: request line, `Name:value` headers, blank line, body.
    static func request(_ text: String) -> SigV4Request {
        let (head, body) =
            text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (
                text, ""
            )
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        let path = String(target.prefix { $0 != "?" })
        let query = target.count > path.count ? String(target.dropFirst(path.count + 1)) : ""
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        return SigV4Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }

    func testEveryVendoredCaseSignsAndVerifies() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0.hasSuffix(".req")
        }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10)
        let verifier = SigV4Verifier(lookup: { $0 == "AKIDEXAMPLE" ? Self.credentials : nil }, now: { Self.date })
        for name in names {
            let base = Self.directory.appendingPathComponent(String(name.dropLast(4)))
            var request = Self.request(try String(contentsOf: base.appendingPathExtension("req"), encoding: .utf8))
            let expected = try String(contentsOf: base.appendingPathExtension("authz"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let authorization = SigV4Signer.authorization(
                for: request,
                credentials: Self.credentials,
                region: "us-east-1",
                service: "service",
                date: Self.date
            )
            XCTAssertEqual(authorization, expected, name)

            request.headers.append(("Authorization", expected))
            XCTAssertNoThrow(try verifier.verify(request, region: "us-east-1", service: "service"), name)
            var tampered = request
            tampered.body += Array("x".utf8)
            XCTAssertThrowsError(try verifier.verify(tampered)) {
                XCTAssertEqual(($0 as? SigV4Failure)?.reason, .signatureMismatch, name)
            }
        }
    }

    func testHeaderSignatureRefusals() throws {
        var request = Self.request("POST / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z")
        request.headers.append(
            (
                "Authorization",
                SigV4Signer.authorization(
                    for: request,
                    credentials: Self.credentials,
                    region: "us-east-1",
                    service: "service",
                    date: Self.date
                )
            )
        )
        let known: @Sendable (String) -> AWSCredentials? = { $0 == "AKIDEXAMPLE" ? Self.credentials : nil }
        func reason(
            _ verifier: SigV4Verifier,
            region: String? = nil,
            service: String? = nil,
            _ request: SigV4Request
        ) -> SigV4Failure.Reason? {
            do {
                _ = try verifier.verify(request, region: region, service: service)
                return nil
            } catch { return error.reason }
        }
        XCTAssertNil(reason(SigV4Verifier(lookup: known, now: { Self.date }), request))
        XCTAssertEqual(reason(SigV4Verifier(lookup: { _ in nil }, now: { Self.date }), request), .unknownAccessKey)
        XCTAssertEqual(
            reason(SigV4Verifier(lookup: known, now: { Self.date.addingTimeInterval(16 * 60) }), request),
            .dateSkew
        )
        XCTAssertEqual(
            reason(SigV4Verifier(lookup: known, now: { Self.date }), region: "eu-west-1", request),
            .wrongRegion
        )
        XCTAssertEqual(reason(SigV4Verifier(lookup: known, now: { Self.date }), service: "sts", request), .wrongService)
        let otherSecret = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "not-the-secret")
        XCTAssertEqual(
            reason(SigV4Verifier(lookup: { _ in otherSecret }, now: { Self.date }), request),
            .signatureMismatch
        )
        let session = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: Self.credentials.secretAccessKey,
            sessionToken: "tok"
        )
        XCTAssertEqual(
            reason(SigV4Verifier(lookup: { _ in session }, now: { Self.date }), request),
            .invalidSessionToken
        )
        var unsigned = request
        unsigned.headers.removeAll { $0.name == "Authorization" }
        XCTAssertEqual(reason(SigV4Verifier(lookup: known, now: { Self.date }), unsigned), .missingAuthentication)
        var truncated = request
        truncated.headers[truncated.headers.count - 1].value =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        XCTAssertEqual(reason(SigV4Verifier(lookup: known, now: { Self.date }), truncated), .incompleteSignature)
    }
}
