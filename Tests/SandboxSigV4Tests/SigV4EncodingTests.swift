import Crypto
import SandboxSigV4
import XCTest

/// Percent-decoding as SigV4 and form bodies need it: escapes, `+` in forms, and malformed input left alone.
final class SigV4EncodingTests: XCTestCase {
    func testDecode() {
        XCTAssertEqual(SigV4Encoding.decode("a%2Fb%3D%20c"), "a/b= c")
        XCTAssertEqual(SigV4Encoding.decode("a+b"), "a+b")
        XCTAssertEqual(SigV4Encoding.decode("a+b%2B", plusIsSpace: true), "a b+")
        XCTAssertEqual(SigV4Encoding.decode("%E2%98%83"), "☃")
        XCTAssertEqual(SigV4Encoding.decode("100%"), "100%", "a truncated escape leaves the text as it was")
        XCTAssertEqual(SigV4Encoding.decode("%zz"), "%zz")
        XCTAssertEqual(SigV4Encoding.decode("%FF"), "%FF", "bytes that are not UTF-8 leave the text as it was")
        XCTAssertEqual(
            SigV4Encoding.queryPairs("A=1&b=%2F&c&=x").map { "\($0.0)=\($0.1)" },
            ["A=1", "b=/", "c=", "=x"]
        )
    }

    func testSigningKeysAreTheSameFromTheCache() {
        let scope = CredentialScope(date: "20150830", region: "us-east-1", service: "iam")
        let first = SigV4Signer.signature(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            scope: scope,
            stringToSign: "x"
        )
        let again = SigV4Signer.signature(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            scope: scope,
            stringToSign: "x"
        )
        let other = SigV4Signer.signature(secret: "another", scope: scope, stringToSign: "x")
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
        // AWS's worked example of deriving a signing key (IAM user guide, "Create a signed AWS API request").
        let key = SigV4Signer.signingKey(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", scope: scope)
        XCTAssertEqual(
            key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() },
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        )
        let direct = HMAC<SHA256>.authenticationCode(for: Array("x".utf8), using: key).map {
            String(format: "%02x", $0)
        }.joined()
        XCTAssertEqual(first, direct, "the cached keyed HMAC signs as a fresh one")
    }
}
