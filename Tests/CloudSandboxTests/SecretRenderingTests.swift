import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxMariaDBClient
import SandboxMySQLWire
import SandboxScenarios
import SandboxScriptedMySQL
import SandboxSigV4
import XCTest

/// Values that hold secrets never render them: interpolated, described, dumped or reflected, each shows its other
/// fields and `<redacted>` where the secret was.
final class SecretRenderingTests: XCTestCase {
    static let secret = "s3cr3t-Value-9f81"

    func testSecretCarriersRenderRedacted() {
        let carriers: [(value: Any, shows: String)] = [
            (
                AWSCredentials(accessKeyID: "AKIAEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.secret),
                "AKIAEXAMPLE"
            ),
            (
                RDSAuthToken.Claims(
                    accessKeyID: "AKIAEXAMPLE",
                    region: "us-east-1",
                    user: "app",
                    endpoint: "db:3306",
                    expiresAt: Date(),
                    sessionToken: Self.secret
                ), "db:3306"
            ),
            (MySQLClientConfiguration(username: "app", password: Self.secret), "app"),
            (AuthProof.cleartext(Self.secret), "cleartext"),
            (AuthProof.scramble(plugin: .nativePassword, response: Array(Self.secret.utf8), nonce: []), "scramble"),
            (DatabaseSecretFields(json: #"{"username": "app", "password": "\#(Self.secret)"}"#)!, "app"),
            (MySQLUser(name: "app", password: Self.secret), "app"),
            (MariaDBConnection.Options(host: "127.0.0.1", port: 3306, user: "app", password: Self.secret), "127.0.0.1"),
            (Topology.DatabaseInstance.User(name: "app", password: Self.secret), "app"),
            (
                try! JSONDecoder().decode(
                    Endpoints.Credentials.self,
                    from: Data(
                        (#"{"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "\#(Self.secret)", "#
                            + #""sessionToken": "\#(Self.secret)"}"#)
                            .utf8
                    )
                ), "AKIAEXAMPLE"
            ),
            (ConnectProbe(target: "proxy", user: "app", password: Self.secret), "proxy"),
        ]
        for (value, shows) in carriers {
            var dumped = ""
            dump(value, to: &dumped)
            let renderings = [
                "\(value)", String(describing: value), String(reflecting: value), dumped, "\([value])",
                "\(Optional(value) as Any)",
            ]
            for text in renderings {
                XCTAssertFalse(text.contains(Self.secret), "\(type(of: value)) rendered its secret: \(text)")
                XCTAssertTrue(text.contains(shows), "\(type(of: value)) shows its other fields: \(text)")
            }
            XCTAssertTrue("\(value)".contains("<redacted>") || value is ConnectProbe, "\(type(of: value)): \(value)")
            XCTAssertTrue(dumped.contains("<redacted>"), "\(type(of: value)) dumped: \(dumped)")
        }
    }
}
