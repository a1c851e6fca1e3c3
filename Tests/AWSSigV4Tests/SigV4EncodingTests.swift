import AWSSigV4
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
        XCTAssertEqual(SigV4Encoding.queryPairs("A=1&b=%2F&c&=x").map { "\($0.0)=\($0.1)" }, ["A=1", "b=/", "c=", "=x"])
    }

    func testSigningKeysAreTheSameFromTheCache() {
        let scope = CredentialScope(date: "20150830", region: "us-east-1", service: "iam")
        let first = SigV4Signer.signature(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", scope: scope, stringToSign: "x")
        let again = SigV4Signer.signature(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", scope: scope, stringToSign: "x")
        let other = SigV4Signer.signature(secret: "another", scope: scope, stringToSign: "x")
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
    }
}
