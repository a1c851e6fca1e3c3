import SandboxMySQLWire
import SandboxRedaction

/// A database account: name, password, the plugin it authenticates with and the hosts it may come from.
public struct MySQLUser: Sendable, Codable, Equatable {
    public var name: String
    public var password: String
    public var plugin: MySQLAuthPlugin
    /// A MySQL host pattern: `%` any host, `_` any one character, or a literal address.
    public var host: String

    public init(name: String, password: String, plugin: MySQLAuthPlugin = .cachingSHA2Password, host: String = "%") {
        self.name = name
        self.password = password
        self.plugin = plugin
        self.host = host
    }

    /// Whether a connection from `address` may use this account ('localhost' also admits 127.0.0.1).
    public func admits(host address: String) -> Bool {
        if self.host == "%" { return true }
        if self.host == "localhost", address.hasPrefix("127.") { return true }
        let regex =
            "^"
            + self.host.map { char -> String in
                switch char {
                case "%": ".*"
                case "_": "."
                case ".": "\\."
                default: String(char)
                }
            }.joined() + "$"
        return address.range(of: regex, options: .regularExpression) != nil
    }
}

extension MySQLUser: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        ["name": self.name, "password": Redacted(), "plugin": self.plugin, "host": self.host]
    }
}
