import SandboxTesting
import XCTest

@testable import SandboxSigV4

/// The canonical query parsed once on bytes is the one SigV4 defines: each part decoded, encoded again, sorted.
final class CanonicalQueryTests: XCTestCase {
    /// SigV4's definition spelled out on Strings: decode every name and value, encode them, sort by name then value.
    private func reference(_ raw: String, excluding: String? = nil) -> String {
        SigV4Encoding.queryPairs(raw)
            .filter { $0.0 != excluding }
            .map { (SigV4Encoding.uriEncode($0.0), SigV4Encoding.uriEncode($0.1)) }
            .sorted {
                $0.0 == $1.0
                    ? Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8))
                    : Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
            }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    private func canonical(_ raw: String, excluding: String? = nil) -> String {
        var out: [UInt8] = []
        CanonicalQuery(raw).write(excluding: excluding, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testEdgeCasesMatchTheDefinition() {
        let cases = [
            "", "&&", "a", "a=", "=x", "b=2&a=1&a=0", "a=%2f%2F/", "s=a b+c", "x=%E2%98%83&y=☃", "bad=100%",
            "bad=%zz&ok=%41",
            "notutf8=%FF%FE", "half=%C3", "eq=a=b=c", "X-Amz-Signature=abc&X-Amz-Date=20150830T123600Z",
        ]
        for raw in cases {
            XCTAssertEqual(self.canonical(raw), self.reference(raw), raw)
            XCTAssertEqual(
                self.canonical(raw, excluding: "X-Amz-Signature"),
                self.reference(raw, excluding: "X-Amz-Signature"),
                raw
            )
        }
        let query = CanonicalQuery("a=1&b=%2F%20x&a=2&bad=%zz")
        XCTAssertEqual(query.value("a"), "1", "the first pair of a name is its value")
        XCTAssertEqual(query.value("b"), "/ x")
        XCTAssertEqual(query.value("bad"), "%zz", "a malformed escape stands for itself")
        XCTAssertNil(query.value("c"))
    }

    func testRandomQueriesMatchTheDefinition() {
        var random = SplitMix64(seed: 0x5167_4E34)
        let alphabet = [
            "a", "B", "%", "2", "F", "f", "C3", "A9", "=", "&", "+", " ", "é", "~", "/", "%2", "%FF", "%41", "-", ".",
        ]
        for _ in 0..<3_000 {
            let raw = (0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
                .joined()
            XCTAssertEqual(self.canonical(raw), self.reference(raw), raw)
        }
    }
}
