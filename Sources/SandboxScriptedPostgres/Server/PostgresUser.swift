import SandboxPostgresWire
import SandboxRedaction

/// An account of the scripted PostgreSQL server: its password and the method `pg_hba.conf` gives it. The SCRAM
/// verifier is derived once, as PostgreSQL stores it.
public struct PostgresUser: Sendable {
    public enum Method: String, Sendable, Codable {
        /// SASL SCRAM-SHA-256 (PostgreSQL's default since 14).
        case scramSHA256 = "scram-sha-256"
        case md5
        /// The password in the clear (AuthenticationCleartextPassword): how IAM tokens reach RDS.
        case password
    }

    public var name: String
    public var password: String
    public var method: Method
    public var superuser: Bool
    /// Granted `rds_iam`: over TLS the user logs in with an IAM auth token (PAM), never with its password.
    public var rdsIAM: Bool
    let verifier: SCRAMSHA256Verifier

    public init(
        name: String,
        password: String,
        method: Method = .scramSHA256,
        superuser: Bool = false,
        rdsIAM: Bool = false
    ) {
        (self.name, self.password, self.method, self.superuser, self.rdsIAM) = (
            name, password, method, superuser, rdsIAM
        )
        self.verifier = SCRAMSHA256Verifier(password: password, salt: (0..<16).map { _ in UInt8.random(in: 0...255) })
    }
}

extension PostgresUser: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "name": self.name, "password": Redacted(), "method": self.method.rawValue, "superuser": self.superuser,
            "rdsIAM": self.rdsIAM,
        ]
    }
}
