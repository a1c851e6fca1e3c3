import SandboxRedaction

/// How a client logs in.
public struct MySQLClientConfiguration: Sendable {
    public enum TLSMode: String, Sendable, Codable {
        /// Never upgrade.
        case disabled
        /// Upgrade when the server offers TLS.
        case preferred
        /// Fail unless the server offers TLS.
        case required
    }

    public var username: String
    public var password: String
    public var database: String?
    /// The plugin of the first response; the server may switch to another.
    public var authPlugin: MySQLAuthPlugin
    public var tls: TLSMode
    /// A PEM public key for caching_sha2_password's RSA exchange, so the key need not be requested.
    public var serverPublicKeyPEM: String?
    /// Whether to send a cleartext password on a connection without TLS when the server asks for one.
    public var allowsCleartextWithoutTLS: Bool
    public var connectAttributes: [String: String]
    /// false: a client from before pluggable authentication (node's `mysql`): no CLIENT_PLUGIN_AUTH, a
    /// mysql_native_password scramble; MySQL 8 answers 1251 for users of another plugin.
    public var pluginAuth = true
    /// false: as MySQL's libmysqlclient without MYSQL_ENABLE_CLEARTEXT_PLUGIN, refuse to send the password in clear
    /// text even over TLS (2059); MariaDB Connector/C always sends it.
    public var enablesCleartextPlugin = true

    public init(
        username: String,
        password: String,
        database: String? = nil,
        authPlugin: MySQLAuthPlugin = .cachingSHA2Password,
        tls: TLSMode = .preferred,
        serverPublicKeyPEM: String? = nil,
        allowsCleartextWithoutTLS: Bool = false,
        connectAttributes: [String: String] = ["_client_name": "CloudSandbox"]
    ) {
        self.username = username
        self.password = password
        self.database = database
        self.authPlugin = authPlugin
        self.tls = tls
        self.serverPublicKeyPEM = serverPublicKeyPEM
        self.allowsCleartextWithoutTLS = allowsCleartextWithoutTLS
        self.connectAttributes = connectAttributes
    }
}

/// A failure on the client side: either the server's ERR packet or something the client itself refused.
public enum MySQLClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case server(ErrorPacket)
    case tlsUnavailable
    case cleartextRefused
    case protocolViolation(String)
    case connectionClosed
    /// No greeting or login answer within the time allowed (a security group dropping the connection looks like this).
    case timedOut(String)
    /// The server asked for mysql_clear_password and the client does not enable it (CR_AUTH_PLUGIN_CANNOT_LOAD).
    case cleartextPluginDisabled

    public var description: String {
        switch self {
        case let .server(error): error.description
        case .tlsUnavailable:
            "the server does not offer TLS but the client requires it; set tls to .preferred or enable TLS on the "
                + "server"
        case .cleartextRefused:
            "the server asked for a cleartext password on a connection without TLS; connect with TLS or set "
                + "allowsCleartextWithoutTLS"
        case .cleartextPluginDisabled:
            "ERROR 2059 (HY000): Authentication plugin 'mysql_clear_password' cannot be loaded: plugin not enabled"
        case let .protocolViolation(what): "protocol violation: \(what)"
        case .connectionClosed: "the server closed the connection"
        case let .timedOut(what): "timed out \(what)"
        }
    }

    /// The server's error packet, if this failure is one.
    public var serverError: ErrorPacket? {
        if case let .server(error) = self { return error }
        return nil
    }
}

extension MySQLClientConfiguration: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "username": self.username, "password": Redacted(), "database": self.database as Any,
            "authPlugin": self.authPlugin, "tls": self.tls,
        ]
    }
}
