import SandboxMySQLWire
import XCTest

/// Golden vectors for the auth plugins' scramble math.
final class AuthPluginTests: XCTestCase {
    let nonce = bytes(hex: "2d3e33255b7d253c406b7b47305b572551485553")

    func testNativePasswordGoldenVector() {
        // The published vector (DESIGN.md §5): scramble 2d3e…5553, password "spam".
        XCTAssertEqual(
            hex(MySQLAuthPlugin.nativeScramble(password: "spam", nonce: self.nonce)),
            "73b8f04b3aa57c46b9849050abc03a0f8fad51a3"
        )
    }

    func testCachingSHA2GoldenVector() {
        // Computed independently with Python's hashlib: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce).
        XCTAssertEqual(
            hex(MySQLAuthPlugin.cachingSHA2Scramble(password: "spam", nonce: self.nonce)),
            "d0db74807af77da1b7765bec3d600949ffa71a1c0423b800f7daba1ef31e85a8"
        )
    }

    func testEmptyPasswordSendsNothingAndClearPasswordEndsWithNUL() {
        XCTAssertEqual(MySQLAuthPlugin.nativePassword.authResponse(password: "", nonce: self.nonce), [])
        XCTAssertEqual(MySQLAuthPlugin.clearPassword.authResponse(password: "ab", nonce: self.nonce), [0x61, 0x62, 0])
    }

    func testProofsMatchOnlyTheRightPassword() {
        let proof = AuthProof.scramble(
            plugin: .cachingSHA2Password,
            response: MySQLAuthPlugin.cachingSHA2Scramble(password: "pw", nonce: self.nonce),
            nonce: self.nonce
        )
        XCTAssertTrue(proof.matches(password: "pw"))
        XCTAssertFalse(proof.matches(password: "pW"))
        XCTAssertFalse(AuthProof.cleartext("pw").matches(password: "pw2"))
    }

    func testRSAExchangeRoundTrip() throws {
        let key = try CachingSHA2RSA.KeyPair()
        let cipher = try CachingSHA2RSA.encrypt(password: "s3cret", nonce: self.nonce, publicKeyPEM: key.publicKeyPEM)
        XCTAssertEqual(cipher.count, 256)
        XCTAssertEqual(CachingSHA2RSA.decrypt(cipher, nonce: self.nonce, key: key), "s3cret")
        XCTAssertNil(CachingSHA2RSA.decrypt(Array(cipher.reversed()), nonce: self.nonce, key: key))
    }
}
