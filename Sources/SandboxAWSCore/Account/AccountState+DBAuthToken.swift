import Foundation
import Logging
import SandboxSigV4

/// Where an IAM database auth token is presented: the DNS name and ports it must be made for, and the resource id
/// `rds-db:connect` names (a proxy's `prx-…`, an instance's `db-…`).
public struct DBAuthTokenAudience: Sendable {
    public var endpoint: String
    public var ports: Set<Int>
    public var resourceID: String
    /// How refusals name the endpoint ("this proxy endpoint", "this instance endpoint").
    public var kind: String

    public init(endpoint: String, ports: Set<Int>, resourceID: String, kind: String) {
        (self.endpoint, self.ports, self.resourceID, self.kind) = (endpoint, ports, resourceID, kind)
    }
}

extension AccountState {
    /// An IAM auth token checked as RDS checks one: SigV4 recomputed with the key's secret, not expired, for rds-db in
    /// this region, for the audience's endpoint and for `user`; then rds-db:connect on `dbuser:<resource id>/<user>`
    /// for its principal. Success: the principal and the decision, in words; failure: why, for the audit (never the
    /// token).
    public func checkDBAuthToken(
        _ token: String,
        user: String,
        at audience: DBAuthTokenAudience,
        sourceIP: String?,
        logger: Logger
    ) -> Result<String, DBAuthTokenRefusal> {
        let now = Date()
        let verifier = SigV4Verifier(lookup: { self.secretCredentials(for: $0, now: now) }, now: { now })
        let claims: RDSAuthToken.Claims
        do throws(SigV4Failure) {
            claims = try RDSAuthToken.verify(token, using: verifier)
        } catch {
            var reason = "\(error.reason.rawValue): \(error.message)"
            if error.reason == .unknownAccessKey, let key = Self.accessKey(in: token),
                self.keyStatus(key, now: now) == .expired
            {
                reason = "the token was signed with expired session credentials (\(key))"
            }
            return .failure(.init("IAM token refused: \(reason)"))
        }
        guard claims.region == self.region else {
            return .failure(
                .init("IAM token is for region \(claims.region), the \(audience.kind) is in \(self.region)")
            )
        }
        let (host, port) = Self.split(claims.endpoint)
        guard host == audience.endpoint, let port, audience.ports.contains(port) else {
            let shown = audience.ports.min().map { "\(audience.endpoint):\($0)" } ?? audience.endpoint
            return .failure(
                .init("IAM token was made for \(claims.endpoint), not this \(audience.kind) endpoint (\(shown))")
            )
        }
        guard claims.user == user else {
            return .failure(.init("IAM token was made for DB user '\(claims.user)', not '\(user)'"))
        }
        let resource = "arn:aws:rds-db:\(self.region):\(self.accountID):dbuser:\(audience.resourceID)/\(user)"
        do throws(AWSError) {
            let (principal, result) = try self.evaluateDBConnect(
                accessKeyID: claims.accessKeyID,
                resource: resource,
                sourceIP: sourceIP,
                logger: logger
            )
            guard result.isAllowed else {
                return .failure(.init("\(principal) is not allowed rds-db:connect on \(resource): \(result)"))
            }
            return .success("IAM token of \(principal), \(result)")
        } catch {
            return .failure(.init("IAM token's key cannot be resolved: \(error)"))
        }
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

/// Why an IAM auth token was refused, in the audit's words.
public struct DBAuthTokenRefusal: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
