import SandboxAWSCore
import SandboxSigV4
import Foundation
import Logging
import SandboxMySQLWire
import NIOConcurrencyHelpers
import SandboxAudit

/// Client authentication as RDS Proxy does it: IAM tokens (REQUIRED entries) checked as AWS checks them and
/// authorized with rds-db:connect on the proxy's resource id, or passwords checked against the secrets.
/// Clients only ever see 1045 `'<user>'@'%'`; the reason goes to the log and the audit.
final class ProxyAuthenticator: Sendable {
    private let record: DBProxyRecord
    private let account: AccountState
    private let credentials: ProxyCredentials
    /// The DNS name tokens must be made for: the proxy's endpoint, or the additional endpoint this listener serves.
    private let endpoint: String
    private let virtualPort: Int
    private let realPort: NIOLockedValueBox<Int>
    private let fastAuthCache = NIOLockedValueBox<Set<String>>([])
    private let audit: ProxyAudit
    private let logger: Logger

    init(record: DBProxyRecord, endpoint: String? = nil, account: AccountState, credentials: ProxyCredentials, virtualPort: Int, audit: ProxyAudit,
         logger: Logger) {
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

    static func denied(_ user: String, usingPassword: Bool = true) -> ErrorPacket {
        .accessDenied(user: user, host: "%", usingPassword: usingPassword)
    }

    /// The plugin a user logs in with: clear password for IAM, else the entry's ClientPasswordAuthType.
    func method(for request: ServerAuthRequest) -> Result<MySQLAuthPlugin, ErrorPacket> {
        guard let login = self.credentials.login(for: request.username) else {
            // Unknown users go through a scramble exchange and fail at verification, as MySQL does.
            return .success(.nativePassword)
        }
        if login.entry.iamAuth == "REQUIRED" {
            guard request.isTLS else {
                self.refuse(request.username, "IAM authentication requires TLS; connect with TLS (--ssl)")
                return .failure(Self.denied(request.username))
            }
            return .success(.clearPassword)
        }
        let plugin: MySQLAuthPlugin = login.entry.clientPasswordAuthType == "MYSQL_CACHING_SHA2_PASSWORD" ? .cachingSHA2Password : .nativePassword
        if plugin != .nativePassword, !request.clientCapabilities.contains(.pluginAuth) {
            self.refuse(request.username, "ClientPasswordAuthType \(login.entry.clientPasswordAuthType ?? "") needs a client with authentication plugins; "
                        + "this one (no CLIENT_PLUGIN_AUTH) sends only mysql_native_password scrambles: 1251")
        }
        return .success(plugin)
    }

    func verify(_ request: ServerAuthRequest, proof: AuthProof, sourceIP: String?) -> AuthVerdict {
        let user = request.username
        guard let login = self.credentials.login(for: user) else {
            let unusable = self.credentials.snapshot.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            return self.refuse(user, "no secret registered with the proxy has the username '\(user)'"
                               + (unusable.isEmpty ? "" : "; secrets it cannot use: " + unusable.joined(separator: "; ")), usingPassword: proof.usesPassword)
        }
        if login.entry.iamAuth == "REQUIRED" {
            guard case let .cleartext(token) = proof else { return self.refuse(user, "IAM authentication expects a token in cleartext") }
            guard token.contains("X-Amz-") else {
                return self.refuse(user, "IAMAuth is REQUIRED for '\(user)': the client sent a password (or other text), not an IAM auth token")
            }
            return self.verifyToken(token, user: user, sourceIP: sourceIP)
        }
        if case .scramble(.cachingSHA2Password, _, _) = proof, !self.fastAuthCache.withLockedValue({ $0.contains(user) }) {
            return .fullAuthenticationRequired
        }
        // A rotated secret: read the secrets again before refusing.
        guard proof.matches(password: login.password) || self.credentials.refresh().logins[user].map({ proof.matches(password: $0.password) }) == true else {
            return self.refuse(user, "the password does not match the secret \(login.entry.secretARN ?? "")", usingPassword: proof.usesPassword)
        }
        if case .cleartext = proof { self.fastAuthCache.withLockedValue { _ = $0.insert(user) } }
        self.audit.record(user: user, outcome: "accepted", reason: "password of \(login.entry.secretARN ?? "")")
        return .accepted
    }

    /// The token: SigV4 recomputed with the key's secret, not expired, for rds-db in this region, for this proxy's
    /// endpoint and for this user; then rds-db:connect on `dbuser:<prx-id>/<user>` for its principal.
    private func verifyToken(_ token: String, user: String, sourceIP: String?) -> AuthVerdict {
        let account = self.account
        let now = Date()
        let verifier = SigV4Verifier(lookup: { account.secretCredentials(for: $0, now: now) }, now: { now })
        let claims: RDSAuthToken.Claims
        do throws(SigV4Failure) {
            claims = try RDSAuthToken.verify(token, using: verifier)
        } catch {
            var reason = "\(error.reason.rawValue): \(error.message)"
            if error.reason == .unknownAccessKey, let key = Self.accessKey(in: token), account.keyStatus(key, now: now) == .expired {
                reason = "the token was signed with expired session credentials (\(key))"
            }
            return self.refuse(user, "IAM token refused: \(reason)")
        }
        guard claims.region == account.region else { return self.refuse(user, "IAM token is for region \(claims.region), the proxy is in \(account.region)") }
        let (host, port) = Self.split(claims.endpoint)
        guard host == self.endpoint, port == self.virtualPort || port == self.realPort.withLockedValue({ $0 }) else {
            return self.refuse(user, "IAM token was made for \(claims.endpoint), not this proxy endpoint (\(self.endpoint):\(self.virtualPort))")
        }
        guard claims.user == user else { return self.refuse(user, "IAM token was made for DB user '\(claims.user)', not '\(user)'") }
        let resource = "arn:aws:rds-db:\(account.region):\(account.accountID):dbuser:\(self.record.resourceID)/\(user)"
        do throws(AWSError) {
            let (principal, result) = try account.evaluateDBConnect(accessKeyID: claims.accessKeyID, resource: resource, sourceIP: sourceIP, logger: self.logger)
            guard result.isAllowed else {
                return self.refuse(user, "\(principal) is not allowed rds-db:connect on \(resource): \(result)")
            }
            self.audit.record(user: user, outcome: "accepted", reason: "IAM token of \(principal), \(result)")
            return .accepted
        } catch {
            return self.refuse(user, "IAM token's key cannot be resolved: \(error)")
        }
    }

    @discardableResult
    private func refuse(_ user: String, _ reason: String, usingPassword: Bool = true) -> AuthVerdict {
        self.audit.record(user: user, outcome: "refused", reason: reason)
        return .rejected(Self.denied(user, usingPassword: usingPassword))
    }

    private static func split(_ endpoint: String) -> (String, Int?) {
        guard let colon = endpoint.lastIndex(of: ":") else { return (endpoint, nil) }
        return (String(endpoint[..<colon]), Int(endpoint[endpoint.index(after: colon)...]))
    }

    private static func accessKey(in token: String) -> String? {
        guard let range = token.range(of: "X-Amz-Credential=") else { return nil }
        return token[range.upperBound...].prefix { $0 != "%" && $0 != "/" && $0 != "&" }.description
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
            if entries.count >= 2 * Self.kept { entries.removeFirst(entries.count - Self.kept) }  // trimmed once per 1,000 logins
        }
        self.logger.decide(.login, subject: user, outcome: outcome, reason: reason, level: outcome == "accepted" ? .debug : .info, "login \(outcome)",
                           metadata: ["mysql.user": "\(user)", "rdsproxy.reason": "\(reason)"])
    }
}
