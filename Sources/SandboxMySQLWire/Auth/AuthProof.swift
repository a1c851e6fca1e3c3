import SandboxRedaction

/// What a client proved about its password, for the server side to check against what it knows.
public enum AuthProof: Sendable, Equatable {
    /// A scramble made with `plugin` over `nonce` (native or caching_sha2 fast path).
    case scramble(plugin: MySQLAuthPlugin, response: [UInt8], nonce: [UInt8])
    /// A cleartext password (mysql_clear_password, or caching_sha2 full authentication).
    case cleartext(String)

    /// Whether the client sent any password at all ("using password: YES/NO").
    public var usesPassword: Bool {
        switch self {
        case let .scramble(_, response, _): !response.isEmpty
        case let .cleartext(password): !password.isEmpty
        }
    }

    /// Whether this proof shows knowledge of `password`.
    public func matches(password: String) -> Bool {
        switch self {
        case let .scramble(plugin, response, nonce):
            MySQLAuthPlugin.scramblesMatch(response, plugin.authResponse(password: password, nonce: nonce))
        case let .cleartext(sent):
            MySQLAuthPlugin.scramblesMatch(Array(sent.utf8), Array(password.utf8))
        }
    }
}

/// A server's answer to a proof.
public enum AuthVerdict: Sendable, Equatable {
    case accepted
    case rejected(ErrorPacket)
    /// caching_sha2_password only: the fast path missed the cache; ask for the full password.
    case fullAuthenticationRequired
}

extension AuthProof: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        switch self {
        case let .scramble(plugin, _, _): ["scramble": plugin, "response": Redacted()]
        case .cleartext: ["cleartext": Redacted()]
        }
    }
}
