import Foundation
import SandboxPostgresWire
import XCTest

/// SCRAM-SHA-256 against RFC 7677's example exchange (user "user", password "pencil"), from both sides; the refusals
/// a server turns into 28P01; and PostgreSQL's MD5 response.
final class SCRAMTests: XCTestCase {
    private static let salt = Array(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!)
    private static let clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    private static let serverFirst =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    private static let clientFinal =
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    private static let serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

    private func server() -> SCRAMServerExchange {
        SCRAMServerExchange(
            verifier: SCRAMSHA256Verifier(password: "pencil", salt: Self.salt),
            serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        )
    }

    func testTheServerAnswersRFC7677sExchangeByteForByte() throws {
        var server = self.server()
        XCTAssertEqual(
            String(decoding: try server.receiveClientFirst(Array(Self.clientFirst.utf8)), as: UTF8.self),
            Self.serverFirst
        )
        XCTAssertEqual(
            String(decoding: try server.receiveClientFinal(Array(Self.clientFinal.utf8)), as: UTF8.self),
            Self.serverFinal
        )
    }

    func testTheVerifierIsWhatPostgreSQLStores() throws {
        let verifier = SCRAMSHA256Verifier(password: "pencil", salt: Self.salt)
        // The keys as Python's hashlib.pbkdf2_hmac and hmac derive them for the same password and salt.
        XCTAssertEqual(
            verifier.stored,
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
                + "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
        )
        XCTAssertEqual(SCRAMSHA256Verifier(stored: verifier.stored), verifier)
        for bad in ["", "md5abc", "SCRAM-SHA-256$x:AA==$AA==:AA==", "SCRAM-SHA-256$4096:W22Z$AA==:AA=="] {
            XCTAssertNil(SCRAMSHA256Verifier(stored: bad), bad)
        }
    }

    func testOurClientCompletesAnExchangeWithOurServer() throws {
        var client = SCRAMClientExchange(password: "pencil", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        var server = self.server()
        let serverFirst = try server.receiveClientFirst(client.clientFirst)
        let serverFinal = try server.receiveClientFinal(try client.receiveServerFirst(serverFirst))
        XCTAssertTrue(client.verifyServerFinal(serverFinal))
        XCTAssertFalse(client.verifyServerFinal(Array("v=AAAA".utf8)))
    }

    func testAWrongPasswordANonceFromElsewhereAndChannelBindingAreRefused() throws {
        var wrong = SCRAMClientExchange(password: "pencils", clientNonce: "abc")
        var server = self.server()
        let first = try server.receiveClientFirst(wrong.clientFirst)
        XCTAssertThrowsError(try server.receiveClientFinal(try wrong.receiveServerFirst(first))) {
            XCTAssertEqual($0 as? SCRAMError, .wrongProof)
        }
        XCTAssertThrowsError(try server.receiveClientFinal([])) {
            XCTAssertEqual($0 as? SCRAMError, .outOfOrder, "one exchange, one final")
        }

        var replay = self.server()
        _ = try replay.receiveClientFirst(Array("n,,n=,r=other".utf8))
        XCTAssertThrowsError(try replay.receiveClientFinal(Array(Self.clientFinal.utf8))) {
            XCTAssertEqual($0 as? SCRAMError, .nonceMismatch)
        }

        var plus = self.server()
        XCTAssertThrowsError(try plus.receiveClientFirst(Array("p=tls-server-end-point,,n=,r=abc".utf8))) {
            XCTAssertEqual($0 as? SCRAMError, .channelBindingUnsupported)
        }
        for bad in ["", "n,,", "x,,n=,r=abc", "n,,n=user", "n,,r="] {
            var server = self.server()
            XCTAssertThrowsError(try server.receiveClientFirst(Array(bad.utf8)), bad)
        }
    }

    func testMD5ResponseIsPostgreSQLs() {
        // md5(md5(password + user) hex + salt) as Python's hashlib computes it.
        XCTAssertEqual(
            MD5Password.response(user: "app", password: "s3cret", salt: [1, 2, 3, 4]),
            "md51460f94130eb931937bbd6439ee8ab57"
        )
    }
}
