/// Who is logging in, as the server learned it from the handshake response (or COM_CHANGE_USER).
public struct ServerAuthRequest: Sendable, Equatable {
    public var username: String
    public var database: String?
    public var clientCapabilities: CapabilityFlags
    public var clientPluginName: String?
    public var connectAttributes: [String: String]
    public var characterSet: UInt8
    public var isTLS: Bool
    /// True when this login comes from COM_CHANGE_USER on an established connection.
    public var isChangeUser: Bool

    public init(
        username: String,
        database: String? = nil,
        clientCapabilities: CapabilityFlags = .clientDefault,
        clientPluginName: String? = nil,
        connectAttributes: [String: String] = [:],
        characterSet: UInt8 = 45,
        isTLS: Bool = false,
        isChangeUser: Bool = false
    ) {
        self.username = username
        self.database = database
        self.clientCapabilities = clientCapabilities
        self.clientPluginName = clientPluginName
        self.connectAttributes = connectAttributes
        self.characterSet = characterSet
        self.isTLS = isTLS
        self.isChangeUser = isChangeUser
    }
}
