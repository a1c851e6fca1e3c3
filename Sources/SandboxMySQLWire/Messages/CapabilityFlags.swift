/// The client/server capability flags exchanged in the handshake.
public struct CapabilityFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bit 0 ("long password"). MariaDB clients read it clear as "this is a MariaDB server with extended caps".
    public static let longPassword = Self(rawValue: 1 << 0)
    public static let foundRows = Self(rawValue: 1 << 1)
    public static let longFlag = Self(rawValue: 1 << 2)
    public static let connectWithDB = Self(rawValue: 1 << 3)
    public static let noSchema = Self(rawValue: 1 << 4)
    public static let compress = Self(rawValue: 1 << 5)
    public static let odbc = Self(rawValue: 1 << 6)
    public static let localFiles = Self(rawValue: 1 << 7)
    public static let ignoreSpace = Self(rawValue: 1 << 8)
    public static let protocol41 = Self(rawValue: 1 << 9)
    public static let interactive = Self(rawValue: 1 << 10)
    public static let ssl = Self(rawValue: 1 << 11)
    public static let ignoreSigpipe = Self(rawValue: 1 << 12)
    public static let transactions = Self(rawValue: 1 << 13)
    public static let secureConnection = Self(rawValue: 1 << 15)
    public static let multiStatements = Self(rawValue: 1 << 16)
    public static let multiResults = Self(rawValue: 1 << 17)
    public static let psMultiResults = Self(rawValue: 1 << 18)
    public static let pluginAuth = Self(rawValue: 1 << 19)
    public static let connectAttrs = Self(rawValue: 1 << 20)
    public static let pluginAuthLenencClientData = Self(rawValue: 1 << 21)
    public static let canHandleExpiredPasswords = Self(rawValue: 1 << 22)
    public static let sessionTrack = Self(rawValue: 1 << 23)
    public static let deprecateEOF = Self(rawValue: 1 << 24)

    /// What our server offers.
    public static let serverDefault: Self = [
        .longPassword, .foundRows, .longFlag, .connectWithDB, .noSchema, .odbc, .localFiles, .ignoreSpace,
        .protocol41, .interactive, .ignoreSigpipe, .transactions, .secureConnection, .multiResults,
        .psMultiResults, .pluginAuth, .connectAttrs, .pluginAuthLenencClientData, .canHandleExpiredPasswords,
        .deprecateEOF,
    ]

    /// What our client asks for (intersected with the server's offer).
    public static let clientDefault: Self = [
        .longPassword, .longFlag, .protocol41, .transactions, .secureConnection, .multiResults,
        .psMultiResults, .pluginAuth, .connectAttrs, .pluginAuthLenencClientData, .deprecateEOF,
    ]
}

/// Server status flags carried by OK and EOF packets.
public struct ServerStatus: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let inTransaction = Self(rawValue: 0x0001)
    public static let autocommit = Self(rawValue: 0x0002)
    public static let moreResultsExist = Self(rawValue: 0x0008)
    public static let cursorExists = Self(rawValue: 0x0040)
    public static let lastRowSent = Self(rawValue: 0x0080)
}
