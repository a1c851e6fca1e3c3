import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxAWSCore
import SandboxRedaction

/// The database logins the proxy holds: each auth entry's secret, read with GetSecretValue as the proxy's
/// role (assumed as rds.amazonaws.com, so the trust policy, identity and resource policies and KMS all apply).
/// Read again on demand, so a rotated secret is picked up by the next new connection.
final class ProxyCredentials: Sendable {
    struct Login: Sendable, Equatable {
        var username: String
        var password: String
        var entry: DBProxyRecord.UserAuth
    }

    /// What one refresh found: logins by username, and why the other secrets could not be used.
    struct Snapshot: Sendable {
        var logins: [String: Login] = [:]
        var failures: [String: String] = [:]
    }

    private let record: DBProxyRecord
    private let account: AccountState
    private let logger: Logger
    private let current = NIOLockedValueBox(Snapshot())

    init(record: DBProxyRecord, account: AccountState, logger: Logger) {
        self.record = record
        self.account = account
        self.logger = logger
    }

    var snapshot: Snapshot { self.current.withLockedValue { $0 } }

    /// Reads every secret again.
    @discardableResult
    func refresh() -> Snapshot {
        var snapshot = Snapshot()
        let caller: Caller
        do throws(AWSError) {
            caller = try self.account.serviceSession(
                role: self.record.roleARN,
                service: "rds.amazonaws.com",
                session: "rds-proxy-\(self.record.name)"
            )
        } catch {
            for entry in self.record.auth {
                snapshot.failures[entry.secretARN ?? ""] = "the proxy cannot assume \(self.record.roleARN): \(error)"
            }
            return self.store(snapshot)
        }
        for entry in self.record.auth {
            guard let arn = entry.secretARN else { continue }
            do throws(AWSError) {
                let text = try self.account.secretValue(arn, as: caller, logger: self.logger)
                guard let fields = DatabaseSecretFields(json: text), let username = fields.username,
                    let password = fields.password
                else {
                    snapshot.failures[arn] = "the secret is not JSON with \"username\" and \"password\""
                    continue
                }
                snapshot.logins[username] = Login(username: username, password: password, entry: entry)
            } catch {
                snapshot.failures[arn] = "GetSecretValue as \(caller.arn) failed: \(error)"
            }
        }
        return self.store(snapshot)
    }

    /// The login for `user`, reading the secrets again when it is not known yet.
    func login(for user: String) -> Login? {
        if let login = self.snapshot.logins[user] { return login }
        return self.refresh().logins[user]
    }

    private func store(_ snapshot: Snapshot) -> Snapshot {
        for (secret, reason) in snapshot.failures {
            self.logger.warning(
                "secret unusable",
                metadata: ["rdsproxy.secret": "\(secret)", "rdsproxy.reason": "\(reason)"]
            )
        }
        self.current.withLockedValue { $0 = snapshot }
        return snapshot
    }
}

extension ProxyCredentials.Login: RedactedWhenRendered {
    var renderedFields: KeyValuePairs<String, Any> {
        ["username": self.username, "password": Redacted(), "entry": self.entry]
    }
}
