import CSandboxMariaDB
import Foundation
import SandboxRedaction

/// A connection through MariaDB Connector/C (libmariadb): the independent real client tests use.
/// Calls block; run them off the Swift cooperative pool (see `MariaDB.offload`). A lock serializes calls,
/// so a connection may be handed between threads.
///
/// `@unchecked Sendable`: it holds libmariadb's `MYSQL *` handle, used only under its lock.
public final class MariaDBConnection: @unchecked Sendable {
    private let lock = NSLock()

    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String
        public var database: String?
        /// Require TLS (MYSQL_OPT_SSL_ENFORCE).
        public var tls: Bool
        /// CA bundle (PEM path) to verify the server certificate against; implies verification.
        public var caFile: String?
        /// The plugin of the first response (MYSQL_DEFAULT_AUTH).
        public var authPlugin: String?
        /// caching_sha2_password's server public key (PEM path) for RSA exchange without TLS.
        public var serverPublicKeyFile: String?
        public var connectTimeout: UInt32
        public var readTimeout: UInt32
        /// The local address to connect from (MYSQL_OPT_BIND): a sandbox host's loopback alias.
        public var bindAddress: String?
        /// The largest packet the client takes (MYSQL_OPT_MAX_ALLOWED_PACKET); rows over 16 MB need more.
        public var maxAllowedPacket: UInt = 64 * 1024 * 1024
        /// Whether the clear-text plugin may send the password (MYSQL_ENABLE_CLEARTEXT_PLUGIN), as IAM logins need.
        public var enableClearText = true

        public init(
            host: String,
            port: Int,
            user: String,
            password: String,
            database: String? = nil,
            tls: Bool = false,
            caFile: String? = nil,
            authPlugin: String? = nil,
            serverPublicKeyFile: String? = nil,
            connectTimeout: UInt32 = 10,
            readTimeout: UInt32 = 30,
            bindAddress: String? = nil
        ) {
            self.bindAddress = bindAddress
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.database = database
            self.tls = tls
            self.caFile = caFile
            self.authPlugin = authPlugin
            self.serverPublicKeyFile = serverPublicKeyFile
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
        }
    }

    private let handle: UnsafeMutablePointer<MYSQL>

    /// libmariadb loads its authentication plugins on first use, and two threads loading the same one at once race
    /// (one fails: "Plugin mysql_clear_password could not be loaded: it is already loaded"): load them once, first.
    private static let pluginsLoaded: Void = {
        guard let handle = mysql_init(nil) else { return }
        for name in ["mysql_clear_password", "caching_sha2_password", "sha256_password", "client_ed25519"] {
            _ = withVaList([]) { mysql_load_plugin_v(handle, name, -1, 0, $0) }
        }
        mysql_close(handle)
    }()

    public init(_ options: Options) throws(MariaDBError) {
        Self.pluginsLoaded
        guard let handle = mysql_init(nil) else {
            throw MariaDBError(code: 2008, sqlState: "HY000", message: "out of memory")
        }
        self.handle = handle
        var connectTimeout = options.connectTimeout
        var readTimeout = options.readTimeout
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        var yes: my_bool = 1
        var clearText: my_bool = options.enableClearText ? 1 : 0
        mysql_options(handle, MYSQL_ENABLE_CLEARTEXT_PLUGIN, &clearText)
        if options.tls {
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &yes)
        }
        if let caFile = options.caFile {
            caFile.withCString { _ = mysql_options(handle, MYSQL_OPT_SSL_CA, $0) }
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes)
        }
        if let plugin = options.authPlugin { plugin.withCString { _ = mysql_options(handle, MYSQL_DEFAULT_AUTH, $0) } }
        if let address = options.bindAddress { address.withCString { _ = mysql_options(handle, MYSQL_OPT_BIND, $0) } }
        var maxPacket = options.maxAllowedPacket
        mysql_options(handle, MYSQL_OPT_MAX_ALLOWED_PACKET, &maxPacket)
        if let key = options.serverPublicKeyFile {
            key.withCString { _ = mysql_options(handle, MYSQL_SERVER_PUBLIC_KEY, $0) }
        }
        let connected = mysql_real_connect(
            handle,
            options.host,
            options.user,
            options.password,
            options.database,
            UInt32(options.port),
            nil,
            0
        )
        // On failure `deinit` closes the handle: every stored property is set by now.
        guard connected != nil else { throw MariaDBError(handle) }
    }

    deinit { mysql_close(self.handle) }

    public var serverVersion: String { String(cString: mysql_get_server_info(self.handle)) }
    public var connectionID: UInt { UInt(mysql_thread_id(self.handle)) }
    /// The TLS cipher in use, or `nil` on a plain connection.
    public var tlsCipher: String? { mysql_get_ssl_cipher(self.handle).map { String(cString: $0) } }

    /// Runs a statement with the text protocol.
    @discardableResult
    public func query(_ sql: String) throws(MariaDBError) -> MariaDBResult {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard mysql_real_query(self.handle, sql, UInt(sql.utf8.count)) == 0 else { throw MariaDBError(self.handle) }
        guard let result = mysql_store_result(self.handle) else {
            // No result set: a statement without one, or a failure (a lost connection also clears the field count).
            guard mysql_errno(self.handle) == 0, mysql_field_count(self.handle) == 0 else {
                throw MariaDBError(self.handle)
            }
            return MariaDBResult(
                columns: [],
                bytes: [],
                affectedRows: mysql_affected_rows(self.handle),
                insertID: mysql_insert_id(self.handle)
            )
        }
        defer { mysql_free_result(result) }
        let count = Int(mysql_num_fields(result))
        let fields = mysql_fetch_fields(result)!
        let columns = (0..<count).map { String(cString: fields[$0].name) }
        var rows: [[[UInt8]?]] = []
        while let row = mysql_fetch_row(result) {
            let lengths = mysql_fetch_lengths(result)!
            rows.append(
                (0..<count).map { index in
                    row[index].map { Array(UnsafeRawBufferPointer(start: $0, count: Int(lengths[index]))) }
                }
            )
        }
        return MariaDBResult(columns: columns, bytes: rows, affectedRows: 0, insertID: 0)
    }

    public func ping() throws(MariaDBError) {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard mysql_ping(self.handle) == 0 else { throw MariaDBError(self.handle) }
    }

    public func selectDatabase(_ name: String) throws(MariaDBError) {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard mysql_select_db(self.handle, name) == 0 else { throw MariaDBError(self.handle) }
    }

    public func changeUser(_ user: String, password: String, database: String? = nil) throws(MariaDBError) {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard mysql_change_user(self.handle, user, password, database) == 0 else { throw MariaDBError(self.handle) }
    }

    public func resetConnection() throws(MariaDBError) {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard mysql_reset_connection(self.handle) == 0 else { throw MariaDBError(self.handle) }
    }

    /// Prepares `sql`, runs it with string parameters through the binary protocol, returns rows as text.
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(MariaDBError) -> MariaDBResult {
        self.lock.lock()
        defer { self.lock.unlock() }
        let statement = try MariaDBStatement(self.handle, sql)
        return try statement.execute(parameters)
    }

    var rawHandle: UnsafeMutablePointer<MYSQL> { self.handle }
}

/// Rows (as bytes, and decoded as text) or the counts of a statement without rows.
public struct MariaDBResult: Sendable, Equatable {
    public var columns: [String]
    /// Each value exactly as the server sent it; nil for NULL.
    public var bytes: [[[UInt8]?]]
    public var affectedRows: UInt64
    public var insertID: UInt64

    public init(columns: [String], bytes: [[[UInt8]?]], affectedRows: UInt64, insertID: UInt64) {
        self.columns = columns
        self.bytes = bytes
        self.affectedRows = affectedRows
        self.insertID = insertID
    }

    /// The values as UTF-8 text (bytes that are not UTF-8 become U+FFFD: use `bytes` for binary data).
    public var rows: [[String?]] { self.bytes.map { $0.map { $0.map { String(decoding: $0, as: UTF8.self) } } } }
}

/// The error libmariadb reports: server errors carry the server's code and SQLSTATE; 2000-2999 are the
/// client's own (2013 lost connection, 2026 TLS error, ...).
public struct MariaDBError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: UInt32
    public var sqlState: String
    public var message: String

    public init(code: UInt32, sqlState: String, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    init(_ handle: UnsafeMutablePointer<MYSQL>) {
        self.init(
            code: mysql_errno(handle),
            sqlState: String(cString: mysql_sqlstate(handle)),
            message: String(cString: mysql_error(handle))
        )
    }

    public var description: String { "ERROR \(self.code) (\(self.sqlState)): \(self.message)" }
}

public enum MariaDB {
    /// Runs blocking libmariadb work on a thread of its own, so the Swift cooperative pool stays free for servers.
    /// Not GCD's global queue: on Linux it runs as many blocks at once as there are cores, so a few clients
    /// waiting on the network would hold up every other offloaded call.
    public static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}

extension MariaDBConnection.Options: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "host": self.host, "port": self.port, "user": self.user, "password": Redacted(),
            "database": self.database as Any, "tls": self.tls,
        ]
    }
}
