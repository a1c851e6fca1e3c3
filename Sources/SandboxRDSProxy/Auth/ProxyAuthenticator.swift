import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore
import SandboxAudit
import SandboxPostgresWire
import SandboxSigV4

/// Client authentication as RDS Proxy does it, for either engine: IAM tokens (REQUIRED entries) checked as AWS checks
/// them and authorized with rds-db:connect on the proxy's resource id, or passwords checked against the secrets.
/// Clients see only the engine's refusal (see the MySQL and PostgreSQL extensions); the reason goes to the log and
/// the audit.
final class ProxyAuthenticator: Sendable {
    private let record: DBProxyRecord
    private let account: AccountState
    private let credentials: ProxyCredentials
    /// The DNS name tokens must be made for: the proxy's endpoint, or the additional endpoint this listener serves.
    private let endpoint: String
    private let virtualPort: Int
    private let realPort: NIOLockedValueBox<Int>
    let fastAuthCache = NIOLockedValueBox<Set<String>>([])
    /// PostgreSQL's SCRAM verifiers of the secrets' passwords, by user (with the password they were derived from).
    let scramVerifiers = NIOLockedValueBox<[String: (String, SCRAMSHA256Verifier)]>([:])
    let audit: ProxyAudit
    private let logger: Logger

    init(
        record: DBProxyRecord,
        endpoint: String? = nil,
        account: AccountState,
        credentials: ProxyCredentials,
        virtualPort: Int,
        audit: ProxyAudit,
        logger: Logger
    ) {
        self.record = record
        self.endpoint = endpoint ?? record.endpoint
        self.account = account
        self.credentials = credentials
        self.virtualPort = virtualPort
        self.realPort = NIOLockedValueBox(virtualPort)
        self.audit = audit
        self.logger = logger
    }

    func listening(on port: Int) { self.realPort.withLockedValue { $0 = port } }

    /// The login `user` has through the proxy's secrets (read again when not known yet).
    func login(for user: String) -> ProxyCredentials.Login? { self.credentials.login(for: user) }

    /// Why no login exists for `user`, for the audit.
    func noLoginReason(_ user: String) -> String {
        let unusable = self.credentials.snapshot.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        return "no secret registered with the proxy has the username '\(user)'"
            + (unusable.isEmpty ? "" : "; secrets it cannot use: " + unusable.joined(separator: "; "))
    }

    /// Whether a password the client proved (`matches` checks a candidate) is `login`'s, reading the secrets again for
    /// a rotated one; the decision goes to the audit.
    func checkPassword(_ login: ProxyCredentials.Login, matches: (String) -> Bool) -> Bool {
        guard
            matches(login.password)
                || self.credentials.refresh().logins[login.username].map({ matches($0.password) }) == true
        else {
            self.refuse(login.username, "the password does not match the secret \(login.entry.secretARN ?? "")")
            return false
        }
        self.audit.record(
            user: login.username,
            outcome: "accepted",
            reason: "password of \(login.entry.secretARN ?? "")"
        )
        return true
    }

    /// Whether `token` is a good IAM token for `user` at this proxy (see `verifyToken`); the decision goes to the
    /// audit.
    func checkToken(_ token: String, user: String, sourceIP: String?) -> Bool {
        guard token.contains("X-Amz-") else {
            self.refuse(
                user,
                "IAMAuth is REQUIRED for '\(user)': the client sent a password (or other text), not an IAM auth token"
            )
            return false
        }
        return self.verifyToken(token, user: user, sourceIP: sourceIP)
    }

    /// The token checked as RDS checks one (`AccountState.checkDBAuthToken`) for this proxy's endpoint and resource id.
    private func verifyToken(_ token: String, user: String, sourceIP: String?) -> Bool {
        let audience = DBAuthTokenAudience(
            endpoint: self.endpoint,
            ports: [self.virtualPort, self.realPort.withLockedValue { $0 }],
            resourceID: self.record.resourceID,
            kind: "proxy"
        )
        switch self.account.checkDBAuthToken(token, user: user, at: audience, sourceIP: sourceIP, logger: self.logger) {
        case let .success(accepted):
            self.audit.record(user: user, outcome: "accepted", reason: accepted)
            return true
        case let .failure(refusal):
            return self.refuse(user, refusal.reason)
        }
    }

    /// Records a refusal in the audit; always false.
    @discardableResult
    func refuse(_ user: String, _ reason: String) -> Bool {
        self.audit.record(user: user, outcome: "refused", reason: reason)
        return false
    }
}

/// What the proxy decided about each login, newest last (the sandbox CLI and tests read it).
public final class ProxyAudit: Sendable {
    public struct Entry: Sendable, Equatable {
        public var user: String
        public var outcome: String
        public var reason: String
    }

    private let entries = NIOLockedValueBox<[Entry]>([])
    private let logger: Logger

    public init(logger: Logger = SandboxLogging.defaultLogger(label: "cloudsandbox.rdsproxy")) { self.logger = logger }

    /// The latest 1,000 decisions.
    public var all: [Entry] { self.entries.withLockedValue { Array($0.suffix(Self.kept)) } }
    static let kept = 1_000

    /// Keeps the decision and logs it as one (the audit log records it): refusals at info, the rest at debug.
    func record(user: String, outcome: String, reason: String) {
        self.entries.withLockedValue { entries in
            entries.append(Entry(user: user, outcome: outcome, reason: reason))
            // trimmed once per 1,000 logins
            if entries.count >= 2 * Self.kept { entries.removeFirst(entries.count - Self.kept) }
        }
        self.logger.decide(
            .login,
            subject: user,
            outcome: outcome,
            reason: reason,
            level: outcome == "accepted" ? .debug : .info,
            "login \(outcome)",
            metadata: ["mysql.user": "\(user)", "rdsproxy.reason": "\(reason)"]
        )
    }
}
