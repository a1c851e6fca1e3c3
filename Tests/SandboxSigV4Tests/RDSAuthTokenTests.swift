import Foundation
import SandboxSigV4
import SandboxTesting
import XCTest

final class RDSAuthTokenTests: XCTestCase {
    static let host = "prod-instance.us-east-1.rds.amazonaws.com"
    static let credentials = AWSCredentials(accessKeyID: "akid", secretAccessKey: "skid")
    static let date = SigV4Encoding.parseAmzDate("20161107T173933Z")!

    func testBotocoreVector() {
        // botocore's unit test for generate_db_auth_token (DESIGN.md §5).
        let token = RDSAuthToken.generate(
            host: Self.host,
            port: 3306,
            region: "us-east-1",
            user: "someusername",
            credentials: Self.credentials,
            date: Self.date
        )
        XCTAssertEqual(
            token,
            "prod-instance.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=someusername"
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=akid%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
                + "&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61"
        )
    }

    func testOurTokensVerifyInBothFormsUntilTheyExpire() throws {
        let verifier = SigV4Verifier(
            lookup: { $0 == "akid" ? Self.credentials : nil },
            now: { Self.date.addingTimeInterval(899) }
        )
        for goStyle in [false, true] {
            let token = RDSAuthToken.generate(
                host: Self.host,
                port: 3306,
                region: "us-east-1",
                user: "app",
                credentials: Self.credentials,
                date: Self.date,
                goStyle: goStyle
            )
            let claims = try RDSAuthToken.verify(token, using: verifier)
            XCTAssertEqual(
                claims,
                .init(
                    accessKeyID: "akid",
                    region: "us-east-1",
                    user: "app",
                    endpoint: "\(Self.host):3306",
                    expiresAt: Self.date.addingTimeInterval(900),
                    sessionToken: nil
                )
            )
        }
        let token = RDSAuthToken.generate(
            host: Self.host,
            port: 3306,
            region: "us-east-1",
            user: "app",
            credentials: Self.credentials,
            date: Self.date
        )
        let late = SigV4Verifier(lookup: { _ in Self.credentials }, now: { Self.date.addingTimeInterval(901) })
        XCTAssertThrowsError(try RDSAuthToken.verify(token, using: late)) {
            XCTAssertEqual(($0 as? SigV4Failure)?.reason, .expired)
        }
    }

    func testTamperedTruncatedAndForeignTokensAreRefused() {
        let verifier = SigV4Verifier(lookup: { $0 == "akid" ? Self.credentials : nil }, now: { Self.date })
        let token = RDSAuthToken.generate(
            host: Self.host,
            port: 3306,
            region: "us-east-1",
            user: "app",
            credentials: Self.credentials,
            date: Self.date
        )
        let cases: [(String, SigV4Failure.Reason)] = [
            (token.replacingOccurrences(of: "DBUser=app", with: "DBUser=admin"), .signatureMismatch),
            (token.replacingOccurrences(of: ":3306", with: ":3307"), .signatureMismatch),
            (String(token.prefix(token.count - 10)), .signatureMismatch),
            (String(token.prefix(60)), .malformed),
            (
                RDSAuthToken.generate(
                    host: Self.host,
                    port: 3306,
                    region: "us-east-1",
                    user: "app",
                    credentials: .init(accessKeyID: "AKIAOTHER", secretAccessKey: "x"),
                    date: Self.date
                ), .unknownAccessKey
            ),
        ]
        for (bad, reason) in cases {
            XCTAssertThrowsError(try RDSAuthToken.verify(bad, using: verifier), bad) {
                XCTAssertEqual(($0 as? SigV4Failure)?.reason, reason, bad)
            }
        }
    }

    func testTokenMadeByBoto3Verifies() throws {
        let script = """
            import boto3
            client = boto3.client('rds', region_name='eu-west-1', aws_access_key_id='AKIASANDBOX', \
            aws_secret_access_key='sandbox/secret+key',
                                  aws_session_token='session-token/+=')
            print(client.generate_db_auth_token(DBHostname='db.proxy-abc.eu-west-1.rds.amazonaws.com', Port=3306, \
            DBUsername='lambda_user'))
            """
        let result = try Subprocess.run(["python3", "-c", script])
        try XCTSkipIf(result.stderr.contains("No module named 'boto3'"), "boto3 is not installed; run `make deps`")
        XCTAssertEqual(result.status, 0, result.stderr)
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let credentials = AWSCredentials(
            accessKeyID: "AKIASANDBOX",
            secretAccessKey: "sandbox/secret+key",
            sessionToken: "session-token/+="
        )
        let claims = try RDSAuthToken.verify(
            token,
            using: SigV4Verifier(lookup: { $0 == "AKIASANDBOX" ? credentials : nil })
        )
        XCTAssertEqual(claims.user, "lambda_user")
        XCTAssertEqual(claims.region, "eu-west-1")
        XCTAssertEqual(claims.endpoint, "db.proxy-abc.eu-west-1.rds.amazonaws.com:3306")
        XCTAssertEqual(claims.sessionToken, "session-token/+=")
    }
}
