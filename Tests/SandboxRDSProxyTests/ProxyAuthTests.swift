import CloudSandbox
import Foundation
import SandboxAWSCore
import SandboxMariaDBClient
import SandboxMySQLNIO
import SandboxSigV4
import SandboxTesting
import XCTest

/// Client authentication through libmariadb: IAM tokens over TLS, every bad token refused with 1045 and the
/// real reason in the audit, TLS rules, passwords, the proxy CA, and the proxy's own access to its secret.
final class ProxyAuthTests: XCTestCase {
    var sandbox: Sandbox!

    override func setUp() async throws { self.sandbox = try await Sandbox.start(ProxyFixture.topology()) }
    override func tearDown() async throws { await self.sandbox?.shutdown() }

    func refusal(
        proxy: String = "iam-proxy",
        user: String = "app",
        password: String,
        tls: Bool = true,
        file: StaticString = #filePath,
        line: UInt = #line
    ) async -> String? {
        let error = await assertMySQLError(1045, "28000", explainedBy: self.sandbox, file: file, line: line) {
            _ = try await self.sandbox.connect(
                through: proxy,
                as: .password(user: user, password: password),
                database: "app",
                tls: tls
            )
        }
        XCTAssertEqual(
            error?.message,
            "Access denied for user '\(user)'@'%' (using password: YES)",
            file: file,
            line: line
        )
        return self.sandbox.proxy(proxy)?.audit.all.last?.reason
    }

    func testIAMTokenOverTLS() async throws {
        let login = await assertLogin(
            self.sandbox,
            through: "iam-proxy",
            as: .iam(role: "app-role", user: "app"),
            database: "app"
        )
        let connection = try XCTUnwrap(login)
        XCTAssertNotNil(connection.tlsCipher)
        XCTAssertEqual(
            try connection.query("SELECT CURRENT_USER()").rows.first?.first??.hasPrefix("app@"),
            true,
            "the proxy logs in as the secret's user"
        )
        let audit = try XCTUnwrap(self.sandbox.proxy("iam-proxy")?.audit.all.last)
        XCTAssertEqual(audit.outcome, "accepted")
        XCTAssertTrue(
            audit.reason.contains("arn:aws:sts::123456789012:assumed-role/app-role/cloudsandbox"),
            audit.reason
        )
        let proxies = try XCTUnwrap(self.sandbox.endpoints.proxies)
        XCTAssertTrue(
            proxies["iam-proxy"]!.endpoint.hasPrefix("iam-proxy.proxy-")
                && proxies["iam-proxy"]!.resourceId.hasPrefix("prx-")
        )
        XCTAssertEqual(self.sandbox.account.dbProxy(named: "iam-proxy")?.targets.first?.state, .available)
    }

    func testEveryBadTokenIsRefusedWithItsReason() async throws {
        let good = ProxyFixture.token(self.sandbox)
        let tampered = String(good.dropLast()) + (good.hasSuffix("0") ? "1" : "0")
        let cases: [(String, String)] = [
            (tampered, "signatureMismatch"),
            (String(good.prefix(good.count / 2)), "IAM token refused"),
            (ProxyFixture.token(self.sandbox, date: Date().addingTimeInterval(-1_200)), "expired"),
            (
                ProxyFixture.token(self.sandbox, host: "other.proxy-abc.us-east-1.rds.amazonaws.com"),
                "was made for other.proxy-abc"
            ),
            (ProxyFixture.token(self.sandbox, region: "eu-west-1"), "eu-west-1"),
            (ProxyFixture.token(self.sandbox, user: "admin"), "made for DB user 'admin'"),
            (
                ProxyFixture.token(
                    self.sandbox,
                    credentials: AWSCredentials(accessKeyID: "AKIAUNKNOWN000000000", secretAccessKey: "x")
                ), "unknownAccessKey"
            ),
            (ProxyFixture.token(self.sandbox, as: "no-connect-role"), "is not allowed rds-db:connect"),
            (ProxyFixture.token(self.sandbox, as: "wrong-arn-role"), "implicitly denied"),
        ]
        for (token, reason) in cases {
            let logged = await self.refusal(password: token)
            XCTAssertTrue(logged?.contains(reason) ?? false, "expected '\(reason)' in: \(logged ?? "nothing")")
        }
        let expired = try self.sandbox.account.sessionCredentials(
            role: "app-role",
            session: "old",
            now: Date().addingTimeInterval(-7_200)
        ).credentials
        let logged = await self.refusal(
            password: ProxyFixture.token(self.sandbox, date: Date().addingTimeInterval(-60), credentials: expired)
        )
        XCTAssertTrue(logged?.contains("expired session credentials") ?? false, logged ?? "")
    }

    func testTLSRules() async throws {
        do {
            _ = try await ProxyFixture.connect(
                self.sandbox,
                proxy: "iam-proxy",
                password: ProxyFixture.token(self.sandbox),
                tls: false
            )
            XCTFail("RequireTLS")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 3159)
            XCTAssertEqual(error.message, "This RDS Proxy requires TLS connections.")
        }
        do {
            _ = try await ProxyFixture.connect(
                self.sandbox,
                proxy: "iam-proxy",
                password: ProxyFixture.token(self.sandbox),
                caFile: self.sandbox.endpoints.databases["app-db"]!.caBundle
            )
            XCTFail("the instances' CA does not sign the proxy's certificate")
        } catch let error as MariaDBError {
            XCTAssertEqual(error.code, 2026, "\(error)")
        }
    }

    func testIAMWithoutTLSIsRefusedEvenWhenTheProxyAllowsPlainConnections() async throws {
        let logged = await self.refusal(
            proxy: "iam-plain-proxy",
            password: ProxyFixture.token(self.sandbox, proxy: "iam-plain-proxy"),
            tls: false
        )
        XCTAssertTrue(logged?.contains("IAM authentication requires TLS") ?? false, logged ?? "")
        let overTLS = try await ProxyFixture.connect(
            self.sandbox,
            proxy: "iam-plain-proxy",
            password: ProxyFixture.token(self.sandbox, proxy: "iam-plain-proxy")
        )
        XCTAssertEqual(try overTLS.query("SELECT 1").rows, [["1"]])
    }

    func testCachingSHA2Clients() async throws {
        let endpoint = try XCTUnwrap(self.sandbox.endpoints.proxies?["sha2-proxy"])
        let tls = try MySQLConnection.TLS.trusting(
            caPEM: String(contentsOfFile: endpoint.caBundle, encoding: .utf8),
            serverHostname: endpoint.endpoint
        )
        // The first login needs the full password (over TLS); later ones take the fast path, even without TLS.
        let full = try await MySQLConnection.connect(
            host: endpoint.host,
            port: endpoint.port,
            configuration: .init(username: "app", password: "app-Passw0rd", database: "app", tls: .required),
            tls: tls
        )
        await full.close()
        let fast = try await MySQLConnection.connect(
            host: endpoint.host,
            port: endpoint.port,
            configuration: .init(username: "app", password: "app-Passw0rd", database: "app", tls: .disabled)
        )
        let rows = try await fast.query("SELECT 5").textRows
        XCTAssertEqual(rows, [["5"]])
        await fast.close()
        let logged = await self.refusal(proxy: "sha2-proxy", password: "wrong", tls: true)
        XCTAssertTrue(logged?.contains("does not match") ?? false, logged ?? "")
    }

    func testPasswordPathWithoutTLS() async throws {
        let connection = try await ProxyFixture.connect(
            self.sandbox,
            proxy: "pw-proxy",
            password: "app-Passw0rd",
            tls: false
        )
        XCTAssertEqual(try connection.query("SELECT 40 + 2").rows, [["42"]])
        let wrong = await self.refusal(proxy: "pw-proxy", password: "nope", tls: false)
        XCTAssertTrue(wrong?.contains("does not match the secret") ?? false, wrong ?? "")
        let unknown = await self.refusal(proxy: "pw-proxy", user: "admin", password: "admin-pw", tls: false)
        XCTAssertTrue(
            unknown?.contains("no secret registered with the proxy has the username 'admin'") ?? false,
            unknown ?? ""
        )
    }

    func testProxyRoleWithoutGetSecretValue() async throws {
        try await withSandbox(
            ProxyFixture.topology(proxyRolePolicy: #"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#)
        ) { denied in
            let target = try XCTUnwrap(denied.account.dbProxy(named: "pw-proxy")?.targets.first)
            XCTAssertEqual(target.state, .unavailable)
            XCTAssertEqual(target.reason, .authFailure)
            XCTAssertTrue(
                target.healthDescription?.hasPrefix("Proxy does not have any registered credentials.") ?? false,
                target.healthDescription ?? ""
            )
            XCTAssertTrue(
                target.healthDescription?.contains("is not authorized to perform: secretsmanager:GetSecretValue")
                    ?? false,
                target.healthDescription ?? ""
            )
        }
    }

    func testSecretWithTheWrongPassword() async throws {
        try await withSandbox(ProxyFixture.topology(secretPassword: "stale-password")) { stale in
            let target = try XCTUnwrap(stale.account.dbProxy(named: "pw-proxy")?.targets.first)
            XCTAssertEqual(target.state, .unavailable)
            XCTAssertEqual(target.reason, .authFailure)
            XCTAssertTrue(
                target.healthDescription?.contains("Database authentication failed for user app") ?? false,
                target.healthDescription ?? ""
            )
        }
    }
}
