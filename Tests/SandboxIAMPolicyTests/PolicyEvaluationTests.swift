import SandboxIAMPolicy
import XCTest

/// The deny/allow order, Not* elements, principals and the deciding statements.
final class PolicyEvaluationTests: XCTestCase {
    let role = "arn:aws:sts::123456789012:assumed-role/app-role/session-1"
    let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-AbCdEf"

    func policy(_ name: String, _ json: String, kind: PolicyDocument.Kind = .identity) throws -> NamedPolicy {
        NamedPolicy(name: name, document: try PolicyDocument.parse(json, kind: kind))
    }

    func testExplicitDenyBeatsAllowBeatsImplicitDeny() throws {
        let allow = try policy(
            "read",
            #"{"Version":"2012-10-17","Statement":{"Sid":"Read","Effect":"Allow","#
                + #""Action":"secretsmanager:GetSecretValue","Resource":"*"}}"#
        )
        let deny = try policy(
            "guard",
            #"{"Version":"2012-10-17","Statement":[{"Sid":"NoProd","Effect":"Deny","Action":"secretsmanager:*","#
                + #""Resource":"arn:aws:secretsmanager:*:*:secret:db-*"}]}"#
        )
        let context = RequestContext(
            principalARN: self.role,
            action: "secretsmanager:GetSecretValue",
            resource: self.secret
        )
        let allowed = PolicyEvaluator.evaluate(context, identityPolicies: [allow])
        XCTAssertEqual(allowed.decision, .allowed)
        XCTAssertEqual(allowed.matchedStatements.map(\.description), ["read statement Read (Allow)"])
        let denied = PolicyEvaluator.evaluate(context, identityPolicies: [allow, deny])
        XCTAssertEqual(denied.decision, .explicitDeny)
        XCTAssertEqual(denied.matchedStatements.map(\.sid), ["NoProd"])
        let nothing = PolicyEvaluator.evaluate(
            RequestContext(principalARN: self.role, action: "kms:Decrypt", resource: "*"),
            identityPolicies: [allow]
        )
        XCTAssertEqual(nothing.decision, .implicitDeny)
        XCTAssertEqual(nothing.description, "implicitly denied: no statement allows it")
    }

    func testNotActionNotResourceAndConditions() throws {
        let policy = try policy(
            "p",
            #"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::private/*"},
              {"Sid":"TLSOnly","Effect":"Deny","Action":"*","Resource":"*",
               "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """#
        )
        func decide(_ action: String, _ resource: String, tls: String) -> EvaluationResult.Decision {
            PolicyEvaluator.evaluate(
                RequestContext(
                    principalARN: self.role,
                    action: action,
                    resource: resource,
                    keys: ["aws:SecureTransport": [tls]]
                ),
                identityPolicies: [policy]
            ).decision
        }
        XCTAssertEqual(decide("rds-db:connect", "arn:aws:rds-db:us-east-1:1:dbuser:prx-1/app", tls: "true"), .allowed)
        XCTAssertEqual(decide("iam:CreateRole", "*", tls: "true"), .implicitDeny)
        XCTAssertEqual(decide("s3:GetObject", "arn:aws:s3:::private/key", tls: "true"), .implicitDeny)
        XCTAssertEqual(decide("rds-db:connect", "x", tls: "false"), .explicitDeny)
    }

    func testResourcePolicyPrincipalsAndAccountDelegation() throws {
        let named = try policy(
            "secret-policy",
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","#
                + #""Principal":{"AWS":"arn:aws:iam::123456789012:role/app-role"},"#
                + #""Action":"secretsmanager:GetSecretValue","Resource":"*"}}"#,
            kind: .resource
        )
        let account = try policy(
            "secret-policy",
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"#
                + #""Action":"secretsmanager:GetSecretValue","Resource":"*"}}"#,
            kind: .resource
        )
        let context = RequestContext(
            principalARN: self.role,
            action: "secretsmanager:GetSecretValue",
            resource: self.secret
        )
        XCTAssertEqual(
            PolicyEvaluator.evaluate(context, identityPolicies: [], resourcePolicy: named).decision,
            .allowed,
            "a role ARN covers its sessions"
        )
        XCTAssertEqual(
            PolicyEvaluator.evaluate(context, identityPolicies: [], resourcePolicy: account).decision,
            .implicitDeny,
            "naming the account delegates to identity policies"
        )
        let other = RequestContext(
            principalARN: "arn:aws:iam::123456789012:role/other",
            action: "secretsmanager:GetSecretValue",
            resource: self.secret
        )
        XCTAssertEqual(
            PolicyEvaluator.evaluate(other, identityPolicies: [], resourcePolicy: named).decision,
            .implicitDeny
        )
    }

    func testKeyPolicyMustAllowDirectlyOrByDelegation() throws {
        let delegating = try policy(
            "key-policy",
            #"{"Version":"2012-10-17","Statement":{"Sid":"Enable IAM User "#
                + #"Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"#
                + #""Action":"kms:*","Resource":"*"}}"#,
            kind: .resource
        )
        let naming = try policy(
            "key-policy",
            #"{"Version":"2012-10-17","Statement":{"Sid":"AppDecrypts","Effect":"Allow","#
                + #""Principal":{"AWS":"arn:aws:iam::123456789012:role/app-role"},"Action":"kms:Decrypt","#
                + #""Resource":"*"}}"#,
            kind: .resource
        )
        let silent = try policy(
            "key-policy",
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","#
                + #""Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}}"#,
            kind: .resource
        )
        let identity = try policy(
            "role/app-role/inline/kms",
            #"{"Version":"2012-10-17","Statement":{"Sid":"Decrypt","Effect":"Allow","Action":"kms:Decrypt","#
                + #""Resource":"*"}}"#
        )
        let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        let context = RequestContext(principalARN: self.role, action: "kms:Decrypt", resource: key)
        func decide(_ identities: [NamedPolicy], _ keyPolicy: NamedPolicy) -> EvaluationResult {
            PolicyEvaluator.evaluate(
                context,
                identityPolicies: identities,
                resourcePolicy: keyPolicy,
                resourcePolicyRole: .required
            )
        }
        XCTAssertEqual(
            decide([identity], delegating).matchedStatements.compactMap(\.sid),
            ["Enable IAM User Permissions", "Decrypt"]
        )
        XCTAssertEqual(decide([], delegating).decision, .implicitDeny, "delegation alone needs an identity allow")
        XCTAssertEqual(
            decide([], naming).matchedStatements.compactMap(\.sid),
            ["AppDecrypts"],
            "a key policy naming the role is enough"
        )
        XCTAssertEqual(
            decide([identity], silent).decision,
            .implicitDeny,
            "an identity allow is useless when the key policy does not delegate"
        )
        XCTAssertEqual(
            PolicyEvaluator.evaluate(context, identityPolicies: [identity], resourcePolicy: silent).decision,
            .allowed,
            "the same policies allow where the resource policy is optional"
        )
    }

    func testTrustPolicyForAServicePrincipal() throws {
        let trust = try policy(
            "trust",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"#
                + #""Action":"sts:AssumeRole"}]}"#,
            kind: .trust
        )
        let rds = RequestContext(
            servicePrincipal: "rds.amazonaws.com",
            action: "sts:AssumeRole",
            resource: "arn:aws:iam::1:role/proxy-role"
        )
        let lambda = RequestContext(
            servicePrincipal: "lambda.amazonaws.com",
            action: "sts:AssumeRole",
            resource: "arn:aws:iam::1:role/proxy-role"
        )
        XCTAssertTrue(PolicyEvaluator.evaluate(rds, identityPolicies: [], resourcePolicy: trust).isAllowed)
        XCTAssertFalse(PolicyEvaluator.evaluate(lambda, identityPolicies: [], resourcePolicy: trust).isAllowed)
    }

    func testPrincipalArnKeyIsTheRoleOfASession() {
        let context = RequestContext(principalARN: self.role, action: "a:b", resource: "*")
        XCTAssertEqual(context.values(of: "aws:PrincipalArn"), ["arn:aws:iam::123456789012:role/app-role"])
    }

    func testMalformedDocumentsAreRefusedWithAWSWording() {
        let cases: [(String, PolicyDocument.Kind, String)] = [
            ("{not json", .identity, "Syntax errors in policy."),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"s:A","Resource":"*"}}"#, .identity,
                "Effect must be"
            ),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s:A"}}"#, .identity,
                "Policy statement must contain resources."
            ),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"GetSecretValue","Resource":"*"}}"#,
                .identity, "service:action"
            ),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s:A","NotAction":"s:B","#
                    + #""Resource":"*"}}"#,
                .identity, "both Action and NotAction"
            ),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s:A","#
                    + #""Resource":"*"}}"#,
                .identity, "should not specify a principal"
            ),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#, .trust,
                "must name a Principal"
            ),
            (
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s:A","Resource":"*","#
                    + #""Condition":{"StringSorta":{"k":"v"}}}}"#,
                .identity, "Invalid Condition type : StringSorta"
            ),
            (
                #"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"s:A","Resource":"*"}}"#, .identity,
                "legacy parsing"
            ),
        ]
        for (json, kind, message) in cases {
            XCTAssertThrowsError(try PolicyDocument.parse(json, kind: kind), json) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error) should say \(message)")
            }
        }
    }
}
