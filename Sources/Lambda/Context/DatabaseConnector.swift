import AWSSigV4
import Foundation
import MySQLNIO
import MySQLWire
import NIOCore

/// A database or proxy a function can dial: its DNS name, where it listens here, and the CA that signed it.
public struct DatabaseTarget: Sendable, Equatable {
    /// `<name>.proxy-<id>.<region>.rds.amazonaws.com` or the instance's endpoint.
    public var endpoint: String
    public var host: String
    public var port: Int
    /// The PEM of the CA bundle that verifies it; nil when it offers no TLS.
    public var caPEM: String?

    public init(endpoint: String, host: String, port: Int, caPEM: String?) {
        self.endpoint = endpoint
        self.host = host
        self.port = port
        self.caPEM = caPEM
    }
}

/// How a function reaches the sandbox's databases: from its own ENI's address, with TLS verified against the
/// target's CA and IAM tokens signed with the execution role's credentials, exactly as code in AWS would.
public struct DatabaseConnector: Sendable {
    /// Targets by proxy name, instance id and DNS name.
    public let targets: [String: DatabaseTarget]
    /// The function's loopback alias (its ENI, or an address outside every VPC).
    public let sourceAddress: String?
    let credentials: AWSCredentials
    let region: String

    public init(targets: [String: DatabaseTarget], sourceAddress: String?, credentials: AWSCredentials, region: String) {
        self.targets = targets
        self.sourceAddress = sourceAddress
        self.credentials = credentials
        self.region = region
    }

    public enum Auth: Sendable, Equatable {
        /// An RDS IAM auth token from the execution role's credentials (mysql_clear_password over TLS).
        case iam
        case password(String)
    }

    public struct ConnectError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The token `generate_db_auth_token` would make for `target` on port 3306 with the role's credentials.
    public func authToken(for target: String, user: String) throws -> String {
        let resolved = try self.resolve(target)
        return RDSAuthToken.generate(host: resolved.endpoint, port: 3306, region: self.region, user: user, credentials: self.credentials)
    }

    /// Connects and logs in; `timeout` bounds the TCP connect and the login (a dropped connection waits that long).
    public func connect(_ target: String, user: String, auth: Auth, database: String? = nil, tls: Bool = true,
                        timeout: TimeInterval = 5) async throws -> MySQLConnection {
        let resolved = try self.resolve(target)
        let password: String
        switch auth {
        case .iam: password = try self.authToken(for: target, user: user)
        case let .password(secret): password = secret
        }
        var configuration = MySQLClientConfiguration(username: user, password: password, database: database,
                                                     authPlugin: auth == .iam ? .clearPassword : .nativePassword,
                                                     tls: tls ? .required : .disabled, connectAttributes: ["_client_name": "CloudSandbox-Lambda"])
        configuration.allowsCleartextWithoutTLS = auth == .iam && !tls
        let tlsSettings = try tls ? resolved.caPEM.map { try MySQLConnection.TLS.trusting(caPEM: $0, serverHostname: resolved.endpoint) } : nil
        let limit = TimeAmount.milliseconds(Int64(max(0.05, timeout) * 1000))
        return try await MySQLConnection.connect(host: resolved.host, port: resolved.port, configuration: configuration, tls: tlsSettings,
                                                 sourceAddress: try self.sourceAddress.map { try SocketAddress(ipAddress: $0, port: 0) },
                                                 connectTimeout: limit, loginTimeout: limit)
    }

    private func resolve(_ target: String) throws -> DatabaseTarget {
        guard let resolved = self.targets[target] else {
            throw ConnectError(description: "no database or proxy '\(target)' in this sandbox; known: \(self.targets.keys.sorted().joined(separator: ", "))")
        }
        return resolved
    }
}
