import XCTest

@testable import SandboxRedaction

/// A secret-holding value renders its secret as `<redacted>` in every way Swift turns a value into text.
final class RedactedWhenRenderedTests: XCTestCase {
    struct Login: RedactedWhenRendered {
        var user: String
        var password: String
        var token: String?

        var renderedFields: KeyValuePairs<String, Any> {
            ["user": self.user, "password": Redacted(), "token": Redacted(self.token) as Any]
        }
    }

    static let secret = "s3cret-Passw0rd"

    func testNoRenderingShowsTheSecret() {
        let login = Login(user: "app", password: Self.secret, token: Self.secret)
        var dumped = ""
        dump(login, to: &dumped)
        let renderings = ["\(login)", String(describing: login), String(reflecting: login), dumped, "\([login])"]
        for text in renderings {
            XCTAssertFalse(text.contains(Self.secret), text)
            XCTAssertTrue(text.contains(Redacted.text), text)
            XCTAssertTrue(text.contains("app"), "the fields that may be shown are: \(text)")
        }
        XCTAssertEqual("\(login)", #"Login(user: "app", password: <redacted>, token: Optional(<redacted>))"#)
    }

    func testAnAbsentSecretIsNil() {
        XCTAssertNil(Redacted(String?.none))
        XCTAssertNotNil(Redacted("x"))
        XCTAssertEqual(
            "\(Login(user: "app", password: "p", token: nil))",
            #"Login(user: "app", password: <redacted>, token: nil)"#
        )
    }
}
