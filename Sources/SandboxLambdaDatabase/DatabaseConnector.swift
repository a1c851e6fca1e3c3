import Foundation
import NIOCore
import SandboxLambda
import SandboxMySQLNIO
import SandboxMySQLWire
import SandboxPKI
import SandboxPostgresNIO

extension LambdaContext {
    /// Dials databases and proxies from the function's ENI: security groups apply.
    public var database: DatabaseConnector { DatabaseConnector(self.databases) }
}

/// How a function reaches the sandbox's databases: from its own ENI's address, with TLS verified against the
/// target's CA and IAM tokens signed with the execution role's credentials, exactly as code in AWS would.
public struct DatabaseConnector: Sendable {
    public let databases: FunctionDatabases

    public init(_ databases: FunctionDatabases) {
        self.databases = databases
    }

    public enum Auth: Sendable, Equatable {
        /// An RDS IAM auth token from the execution role's credentials (mysql_clear_password over TLS).
        case iam
        case password(String)
    }

    /// The token `generate_db_auth_token` would make for `target` on its engine's port with the role's credentials.
    public func authToken(for target: String, user: String) throws -> String {
        try self.databases.authToken(for: target, user: user)
    }

    /// Connects to a MySQL target and logs in; `timeout` bounds the TCP connect and the login (a dropped connection
    /// waits that long).
    public func connect(
        _ target: String,
        user: String,
        auth: Auth,
        database: String? = nil,
        tls: Bool = true,
        timeout: TimeInterval = 5
    ) async throws -> MySQLConnection {
        let resolved = try self.databases.resolve(target)
        let password: String
        switch auth {
        case .iam: password = try self.authToken(for: target, user: user)
        case let .password(secret): password = secret
        }
        var configuration = MySQLClientConfiguration(
            username: user,
            password: password,
            database: database,
            authPlugin: auth == .iam ? .clearPassword : .nativePassword,
            tls: tls ? .required : .disabled,
            connectAttributes: ["_client_name": "CloudSandbox-Lambda"]
        )
        configuration.allowsCleartextWithoutTLS = auth == .iam && !tls
        let tlsSettings =
            try tls
            ? resolved.caPEM.map { try MySQLConnection.TLS.trusting(caPEM: $0, serverHostname: resolved.endpoint) }
            : nil
        let limit = TimeAmount.milliseconds(Int64(max(0.05, timeout) * 1000))
        return try await MySQLConnection.connect(
            host: resolved.host,
            port: resolved.port,
            configuration: configuration,
            tls: tlsSettings,
            sourceAddress: try self.databases.sourceAddress.map { try SocketAddress(ipAddress: $0, port: 0) },
            connectTimeout: limit,
            loginTimeout: limit
        )
    }

    /// Connects to a PostgreSQL target (an RDS Proxy for PostgreSQL or a postgres instance) and logs in into
    /// `database` (nil: the user's name), answering whatever the server asks (an IAM token goes as a cleartext
    /// password, over TLS); `timeout` bounds the TCP connect (the function's timeout bounds the login).
    public func connectPostgres(
        _ target: String,
        user: String,
        auth: Auth,
        database: String? = nil,
        tls: Bool = true,
        timeout: TimeInterval = 5
    ) async throws -> PostgresClientConnection {
        let resolved = try self.databases.resolve(target)
        let password =
            switch auth {
            case .iam: try self.authToken(for: target, user: user)
            case let .password(secret): secret
            }
        let tlsSettings =
            try tls ? resolved.caPEM.map { try ClientTLS.trusting(caPEM: $0, serverHostname: resolved.endpoint) } : nil
        return try await PostgresClientConnection.connect(
            host: resolved.host,
            port: resolved.port,
            configuration: .init(user: user, password: password, database: database),
            tls: tlsSettings,
            sourceAddress: try self.databases.sourceAddress.map { try SocketAddress(ipAddress: $0, port: 0) },
            connectTimeout: .milliseconds(Int64(max(0.05, timeout) * 1000))
        )
    }
}
