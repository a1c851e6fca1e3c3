import Foundation

extension Topology.Function {
    /// What a function's configuration says about its database login: a built-in SQL handler's settings, or a
    /// process's environment as customers name its variables.
    public struct DatabaseSettings: Sendable, Equatable {
        /// A proxy (or proxy endpoint) name, an instance id or a cluster id.
        public var target: String
        /// The user an IAM token is made for (nil: the secret's user).
        public var user: String?
        /// The secret it reads its password from (a name or ARN as written), if any.
        public var secret: String?
        public var tls: Bool
    }

    /// The database login its configuration names, or nil. For a process function: the target is a value that names
    /// an endpoint (`${proxy:NAME}`, `${database:ID}`, `${cluster:ID}`, `${cluster-ro:ID}`), from a key naming a host
    /// or an endpoint first; the user a key ending in USER or USERNAME (`DB_USER`, `MYSQL_USERNAME`); the secret a key
    /// naming one (`DB_SECRET`, `SECRET_ARN`); TLS is off when a key naming TLS or SSL says false.
    public var database: DatabaseSettings? {
        if let sql = self.builtin?.sql {
            return DatabaseSettings(
                target: sql.target,
                user: sql.user,
                secret: sql.auth == .secret ? sql.secret ?? "" : nil,
                tls: sql.tls ?? true
            )
        }
        let environment = (self.environment ?? [:]).sorted { $0.key < $1.key }
        let hostKeys = environment.filter { Self.keyNames($0.key, ["HOST", "ENDPOINT", "ADDRESS"]) }
        guard let target = (hostKeys + environment).lazy.compactMap({ Self.endpointName(in: $0.value) }).first else {
            return nil
        }
        let user = environment.first { key, _ in
            let upper = key.uppercased()
            return upper == "USER" || upper == "USERNAME" || upper.hasSuffix("_USER") || upper.hasSuffix("_USERNAME")
        }?.value
        let secret = environment.first { Self.keyNames($0.key, ["SECRET"]) }?.value
        let tlsOff = environment.contains { key, value in
            Self.keyNames(key, ["TLS", "SSL"]) && ["false", "0", "no", "off", "disabled"].contains(value.lowercased())
        }
        return DatabaseSettings(target: target, user: user, secret: secret, tls: !tlsOff)
    }

    /// The proxy, instance or cluster the function logs in to.
    public var databaseTarget: String? { self.database?.target }

    /// Whether it reads a secret itself (a built-in handler with `auth: secret`, or a process given a secret).
    public var readsSecrets: Bool { self.database?.secret != nil }

    /// Whether `key` has one of `words` as an underscore-separated part (`DB_HOST`, `PROXY_ENDPOINT`, `SecretArn`).
    private static func keyNames(_ key: String, _ words: [String]) -> Bool {
        let upper = key.uppercased()
        return words.contains { word in
            upper.split(separator: "_").contains { $0.hasPrefix(word) || $0.hasSuffix(word) }
        }
    }

    /// `NAME` of a value `${proxy:NAME}`, `${database:NAME}`, `${cluster:NAME}` or `${cluster-ro:NAME}`.
    private static func endpointName(in value: String) -> String? {
        guard value.hasSuffix("}"),
            let kind = ["${proxy:", "${database:", "${cluster:", "${cluster-ro:"].first(where: value.hasPrefix)
        else { return nil }
        return String(value.dropFirst(kind.count).dropLast())
    }
}
