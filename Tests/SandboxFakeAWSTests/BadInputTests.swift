import Foundation
import SandboxAWSCore
import SandboxFakeAWS
import SandboxSigV4
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Requests AWS would refuse, refused the same way, and never a crash or a partial write.
final class BadInputTests: XCTestCase {
    struct Reply {
        var status: Int
        var body: String
    }

    func send(
        _ endpoint: AWSEndpoint,
        body: [UInt8],
        target: String? = nil,
        service: String,
        signWith credentials: AWSCredentials?,
        date: Date = Date()
    ) async throws -> Reply {
        var headers: [(name: String, value: String)] = [
            ("host", "\(endpoint.host):\(endpoint.port)"), ("x-amz-date", SigV4Encoding.amzDate(date)),
            ("content-type", target == nil ? "application/x-www-form-urlencoded" : "application/x-amz-json-1.1"),
        ]
        if let target { headers.append(("x-amz-target", target)) }
        if let token = credentials?.sessionToken { headers.append(("x-amz-security-token", token)) }
        var request = URLRequest(url: URL(string: endpoint.url + "/")!)
        request.httpMethod = "POST"
        if let credentials {
            let signed = SigV4Request(method: "POST", path: "/", headers: headers, body: body)
            headers.append(
                (
                    "authorization",
                    SigV4Signer.authorization(
                        for: signed,
                        credentials: credentials,
                        region: "us-east-1",
                        service: service,
                        date: date
                    )
                )
            )
        }
        for (name, value) in headers where name != "host" { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(body)
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(
            status: (response as? HTTPURLResponse)?.statusCode ?? 0,
            body: String(decoding: data, as: UTF8.self)
        )
    }

    func testRefusals() async throws {
        let account = AccountState()
        let endpoint = try await self.serve(AWSEndpoint(account: account))
        let root = account.rootCredentials
        let form = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)

        let ok = try await self.send(endpoint, body: form, service: "sts", signWith: root)
        XCTAssertEqual(ok.status, 200)
        XCTAssertTrue(ok.body.contains("<Arn>arn:aws:iam::123456789012:root</Arn>"), ok.body)

        let unsigned = try await self.send(endpoint, body: form, service: "sts", signWith: nil)
        XCTAssertEqual(unsigned.status, 403)
        XCTAssertTrue(unsigned.body.contains("<Code>MissingAuthenticationTokenException</Code>"), unsigned.body)

        let skewed = try await self.send(
            endpoint,
            body: form,
            service: "sts",
            signWith: root,
            date: Date().addingTimeInterval(-3600)
        )
        XCTAssertTrue(
            skewed.body.contains("<Code>SignatureDoesNotMatch</Code>") && skewed.body.contains("Signature expired"),
            skewed.body
        )

        let unknownAction = try await self.send(
            endpoint,
            body: Array("Action=Explode".utf8),
            service: "sts",
            signWith: root
        )
        XCTAssertTrue(unknownAction.body.contains("<Code>InvalidAction</Code>"), unknownAction.body)
        XCTAssertTrue(
            unknownAction.body.contains("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""),
            "errors carry their service's namespace"
        )
        let rdsMissing = try await self.send(
            endpoint,
            body: Array("Action=CreateDBProxy&Version=2014-10-31&DBProxyName=p".utf8),
            service: "rds",
            signWith: root
        )
        XCTAssertTrue(
            rdsMissing.body.contains("<Code>MissingParameter</Code>") && rdsMissing.body.contains("EngineFamily")
                && rdsMissing.body.contains("xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\""),
            rdsMissing.body
        )
        let kmsMissing = try await self.send(
            endpoint,
            body: Array("{}".utf8),
            target: "TrentService.DescribeKey",
            service: "kms",
            signWith: root
        )
        XCTAssertTrue(
            kmsMissing.body.contains("\"__type\":\"ValidationException\"") && kmsMissing.body.contains("keyId"),
            kmsMissing.body
        )

        let badJSON = try await self.send(
            endpoint,
            body: Array("{not json".utf8),
            target: "secretsmanager.CreateSecret",
            service: "secretsmanager",
            signWith: root
        )
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertTrue(badJSON.body.contains("\"__type\":\"SerializationException\""), badJSON.body)

        let wrongType = try await self.send(
            endpoint,
            body: Array(#"{"Name":"typed","SecretString":{"password":"p"}}"#.utf8),
            target: "secretsmanager.CreateSecret",
            service: "secretsmanager",
            signWith: root
        )
        XCTAssertEqual(wrongType.status, 400)
        XCTAssertTrue(
            wrongType.body.contains("\"__type\":\"SerializationException\"")
                && wrongType.body.contains("SecretString must be a String"),
            wrongType.body
        )
        let unknownOperation = try await self.send(
            endpoint,
            body: Array("{}".utf8),
            target: "secretsmanager.Explode",
            service: "secretsmanager",
            signWith: root
        )
        XCTAssertTrue(unknownOperation.body.contains("\"__type\":\"UnknownOperationException\""), unknownOperation.body)

        let huge = try await self.send(
            endpoint,
            body: [UInt8](repeating: 0x61, count: 3 * 1024 * 1024),
            target: "secretsmanager.CreateSecret",
            service: "secretsmanager",
            signWith: root
        )
        XCTAssertEqual(huge.status, 413)

        let unknownService = try await self.send(endpoint, body: form, service: "kinesis", signWith: root)
        XCTAssertTrue(
            unknownService.body.contains("does not serve the &apos;kinesis&apos; service"),
            unknownService.body
        )

        // Nothing half-written: a refused CreateSecret left no secret behind.
        let list = try await self.send(
            endpoint,
            body: Array("{}".utf8),
            target: "secretsmanager.ListSecrets",
            service: "secretsmanager",
            signWith: root
        )
        XCTAssertEqual(list.body, "{\"SecretList\":[]}")
    }

    /// Query-protocol forms AWS refuses, refused with its codes in its XML (as boto3 and the CLI show them).
    func testQueryFormsAreReadStrictly() async throws {
        let account = AccountState()
        let endpoint = try await self.serve(AWSEndpoint(account: account))
        func send(_ service: String, _ form: String) async throws -> Reply {
            try await self.send(endpoint, body: Array(form.utf8), service: service, signWith: account.rootCredentials)
        }
        let cases: [(String, String, String, String)] = [
            (
                "sts", "Action=GetCallerIdentity&Version=2011-06-15&Colour=red", "UnknownParameter",
                "The parameter Colour is not recognized."
            ),
            (
                "sts", "Action=AssumeRole&Version=2011-06-15&RoleArn=a&RoleArn=b&RoleSessionName=s", "ValidationError",
                "The parameter RoleArn is given more than once"
            ),
            (
                "sts", "Action=AssumeRole&Version=2011-06-15&RoleArn=a&RoleSessionName=s&DurationSeconds=soon",
                "ValidationError",
                "Value &apos;soon&apos; for parameter DurationSeconds is not an integer."
            ),
            ("iam", "Action=CreateRole&Version=2010-05-08&RoleName=r", "MissingParameter", "AssumeRolePolicyDocument"),
            (
                "iam",
                "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn:aws:iam::123456789012:root"
                    + "&ActionNames.member.1=s3:GetObject&ActionNames.member.3=s3:PutObject", "ValidationError",
                "The members of ActionNames are numbered 1, 3"
            ),
        ]
        for (service, form, code, message) in cases {
            let reply = try await send(service, form)
            XCTAssertEqual(reply.status, 400, form)
            XCTAssertTrue(
                reply.body.contains("<Code>\(code)</Code>") && reply.body.contains(message),
                "\(form): \(reply.body)"
            )
        }
        let roles = try await send("iam", "Action=ListRoles&Version=2010-05-08")
        XCTAssertTrue(roles.body.contains("<Roles></Roles>"), "nothing was created by a refused request: \(roles.body)")
        let good = try await send("sts", "Action=GetCallerIdentity&Version=2011-06-15")
        XCTAssertTrue(
            good.body.contains("<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn>"),
            good.body
        )
    }

    func testExpiredSessionCredentialsAreRefused() async throws {
        let clock = Clock()
        let account = AccountState()
        let endpoint = try await self.serve(AWSEndpoint(account: account, clock: { clock.now }))
        let root = account.rootCredentials
        let trust =
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"#
            + #""Action":"sts:AssumeRole"}}"#
        let create =
            "Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=" + trust.addingPercentEncoding(
                withAllowedCharacters: .alphanumerics
            )!
        _ = try await self.send(endpoint, body: Array(create.utf8), service: "iam", signWith: root, date: clock.now)
        let assumed = try await self.send(
            endpoint,
            body: Array(
                "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=job&DurationSeconds=900"
                    .utf8
            ),
            service: "sts",
            signWith: root,
            date: clock.now
        )
        func field(_ name: String) -> String {
            let body = assumed.body
            guard let start = body.range(of: "<\(name)>"), let end = body.range(of: "</\(name)>") else { return "" }
            return String(body[start.upperBound..<end.lowerBound])
        }
        let session = AWSCredentials(
            accessKeyID: field("AccessKeyId"),
            secretAccessKey: field("SecretAccessKey"),
            sessionToken: field("SessionToken")
        )
        let form = Array("Action=GetCallerIdentity".utf8)
        let fresh = try await self.send(endpoint, body: form, service: "sts", signWith: session, date: clock.now)
        XCTAssertTrue(fresh.body.contains("assumed-role/r/job"), fresh.body)
        clock.now = clock.now.addingTimeInterval(901)
        let expired = try await self.send(endpoint, body: form, service: "sts", signWith: session, date: clock.now)
        XCTAssertTrue(expired.body.contains("<Code>InvalidClientTokenId</Code>"), expired.body)
    }

    /// A settable clock for the endpoint.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Date()
        var now: Date {
            get { self.lock.withLock { self.value } }
            set { self.lock.withLock { self.value = newValue } }
        }
    }
}
