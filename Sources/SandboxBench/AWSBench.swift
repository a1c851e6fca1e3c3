import Foundation
import SandboxIAMPolicy
import SandboxSigV4

/// SigV4 verification and IAM policy evaluation throughput.
enum AWSBench {
    static func run() throws {
        let credentials = AWSCredentials(accessKeyID: "AKIABENCH", secretAccessKey: "bench-secret")
        let date = Date()
        let token = RDSAuthToken.generate(
            host: "db.proxy-x.us-east-1.rds.amazonaws.com",
            port: 3306,
            region: "us-east-1",
            user: "app",
            credentials: credentials,
            date: date
        )
        let verifier = SigV4Verifier(lookup: { $0 == "AKIABENCH" ? credentials : nil }, now: { date })
        let verifications = try Measure.rate(count: 20_000) { _ = try RDSAuthToken.verify(token, using: verifier) }

        let policy = NamedPolicy(
            name: "bench",
            document: try PolicyDocument.parse(
                #"""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":["secretsmanager:GetSecretValue","kms:Decrypt"],"Resource":"*",
                   "Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}},
                  {"Effect":"Allow","Action":"rds-db:connect",
                   "Resource":"arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-*/app"},
                  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
                """#
            )
        )
        let context = RequestContext(
            principalARN: "arn:aws:sts::123456789012:assumed-role/fn/s",
            action: "rds-db:connect",
            resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-0123abcd/app",
            keys: ["aws:SecureTransport": ["true"], "aws:RequestedRegion": ["us-east-1"]]
        )
        let evaluations = Measure.rate(count: 200_000) {
            _ = PolicyEvaluator.evaluate(context, identityPolicies: [policy])
        }

        var report = Report(["AWS control plane", "per second"])
        report.add(["RDS auth token verifications (SigV4 recomputed)", format(verifications)])
        report.add(["policy evaluations (3 statements, conditions)", format(evaluations)])
        report.print()
    }
}
