import NIOCore

/// The server side of one PostgreSQL connection as a value: frames in, actions out, no I/O.
///
/// Opening (SSLRequest → TLS, GSSENCRequest refused, CancelRequest) → startup → authentication (cleartext, MD5 or
/// SCRAM-SHA-256) → ParameterStatus, BackendKeyData, ReadyForQuery → the simple and extended query protocols. The
/// runner asks its delegate how a user authenticates (`askAuthMethod`), whether the credential is good (`verify`)
/// and what a command answers (`execute`), and feeds the answers back in. Prepared statements and portals are kept
/// here, so Describe is answered without the delegate and a Bind with the wrong parameter count never reaches it.
public struct PostgresServerStateMachine: Sendable {
    public struct Configuration: Sendable {
        public var tlsAvailable: Bool
        public var processID: Int32
        public var secretKey: Int32
        /// The FATAL a client of protocol 2.0 (or 4.x) gets; PostgreSQL's own wording unless the runner words it.
        public var unsupportedVersion: @Sendable (_ major: UInt16, _ minor: UInt16) -> PostgresError
        /// The FATAL a startup message without `user` gets.
        public var missingUser: PostgresError

        public init(
            tlsAvailable: Bool,
            processID: Int32,
            secretKey: Int32,
            unsupportedVersion: @escaping @Sendable (UInt16, UInt16) -> PostgresError = { major, minor in
                PostgresError(
                    .fatal,
                    "0A000",
                    "unsupported frontend protocol \(major).\(minor): server supports 3.0 to 3.0"
                )
            },
            missingUser: PostgresError = PostgresError(
                .fatal,
                "28000",
                "no PostgreSQL user name specified in startup packet"
            )
        ) {
            (self.tlsAvailable, self.processID, self.secretKey) = (tlsAvailable, processID, secretKey)
            (self.unsupportedVersion, self.missingUser) = (unsupportedVersion, missingUser)
        }
    }

    /// What a client asked for in its startup message.
    public struct Startup: Sendable, Equatable {
        public var user: String
        /// `database`, or the user name when absent (as PostgreSQL defaults it).
        public var database: String
        /// Every parameter in order, `user` and `database` included.
        public var parameters: [String: String]
        public var isTLS: Bool

        public init(user: String, database: String, parameters: [String: String], isTLS: Bool) {
            (self.user, self.database, self.parameters, self.isTLS) = (user, database, parameters, isTLS)
        }
    }

    /// How the delegate wants a user to authenticate.
    public enum AuthMethod: Sendable {
        case trust
        /// AuthenticationCleartextPassword: RDS Proxy's way for IAM tokens.
        case cleartext
        case md5(salt: [UInt8])
        /// SASL with SCRAM-SHA-256. Without a verifier (no such user) the exchange runs on a made-up one and fails at
        /// the proof, as PostgreSQL's does, so a client cannot tell which users exist.
        case scram(SCRAMSHA256Verifier?, serverNonce: String)
    }

    /// What the client proved, for the delegate to judge.
    public enum Credential: Sendable, Equatable {
        case trusted
        case password(String)
        /// The client's `md5…` answer to `salt`.
        case md5(response: String, salt: [UInt8])
        /// The SCRAM exchange's outcome, already checked against the verifier.
        case scram(SCRAMError?)
    }

    public enum Verdict: Sendable {
        /// Logged in: the ParameterStatus pairs to report (server_version, client_encoding, ...).
        case accepted(parameters: [(String, String)])
        case rejected(PostgresError)
    }

    /// One unit of work for the delegate.
    public enum Command: Sendable, Equatable {
        /// A Query message's text (possibly several statements).
        case simpleQuery(String)
        /// A Parse: the delegate prepares `query` and answers `.parsed` with its description, or fails.
        case parse(query: String, parameterTypes: [Int32])
        case execute(Execution)
    }

    /// A portal to run: its statement, parameters and the formats the client wants the results in.
    public struct Execution: Sendable, Equatable {
        public var query: String
        public var parameterTypes: [Int32]
        /// Each value as the client sent it (nil for NULL), in `parameterFormats[i]` (0 text, 1 binary).
        public var parameters: [[UInt8]?]
        public var parameterFormats: [Int16]
        /// The result columns, with the formats the client asked for.
        public var columns: [BackendMessage.Column]
        public var maxRows: Int32

        public init(
            query: String,
            parameterTypes: [Int32],
            parameters: [[UInt8]?],
            parameterFormats: [Int16],
            columns: [BackendMessage.Column],
            maxRows: Int32
        ) {
            (self.query, self.parameterTypes, self.parameters, self.parameterFormats, self.columns, self.maxRows) =
                (query, parameterTypes, parameters, parameterFormats, columns, maxRows)
        }
    }

    /// What the delegate knows about a prepared statement.
    public struct StatementDescription: Sendable, Equatable {
        public var parameterTypes: [Int32]
        /// nil: the statement returns no rows (NoData).
        public var columns: [BackendMessage.Column]?

        public init(parameterTypes: [Int32], columns: [BackendMessage.Column]?) {
            (self.parameterTypes, self.columns) = (parameterTypes, columns)
        }
    }

    public enum CommandResult: Sendable {
        /// The messages to send (rows, CommandComplete, errors in a simple query), and the transaction status after.
        case completed([BackendMessage], BackendMessage.TransactionStatus)
        case parsed(StatementDescription)
        /// The command failed: an ErrorResponse, then (extended protocol) everything up to Sync is skipped.
        case failed(PostgresError, BackendMessage.TransactionStatus)
        /// The session must end: write the messages, then close.
        case terminate([BackendMessage])
    }

    public enum Action: Sendable, Equatable {
        case write([BackendMessage])
        case writeAndClose([BackendMessage])
        /// Write `S` and insert the TLS handler before any further byte is read; bytes already received after the
        /// SSLRequest are a protocol violation (they were sent in the clear).
        case startTLS
        /// Write the single byte `N`: no TLS (or no GSSAPI encryption), the client may go on in the clear.
        case refuseEncryption
        case askAuthMethod(Startup)
        case verify(Startup, Credential)
        /// Logged in: write the messages and treat `startup` as the session's identity.
        case authenticated(Startup, [BackendMessage])
        case execute(Command)
        /// A CancelRequest: cancel the connection `processID` runs if `secretKey` is its key; then close this one.
        case cancel(processID: Int32, secretKey: Int32)
        case close
        case none
    }

    enum State: Sendable {
        case opening
        case negotiatingTLS
        case awaitingMethod(Startup)
        case awaitingPassword(Startup, AuthMethod)
        case awaitingSCRAMFinal(Startup, SCRAMServerExchange)
        case awaitingVerdict(Startup, finalData: [UInt8]?)
        case idle(Startup)
        case executing(Startup, Pending)
        case closed
    }

    /// What an in-flight command will do with its result.
    enum Pending: Sendable {
        case simpleQuery
        case parse(name: String, query: String)
        case execute
    }

    struct Statement: Sendable {
        var query: String
        var description: StatementDescription
    }

    struct Portal: Sendable {
        var statement: Statement
        var execution: Execution
    }

    public let configuration: Configuration
    private(set) var state: State = .opening
    private(set) var isTLS = false
    private var statements: [String: Statement] = [:]
    private var portals: [String: Portal] = [:]
    /// After an error in the extended protocol, messages are skipped until Sync.
    private var skippingUntilSync = false
    private var transactionStatus = BackendMessage.TransactionStatus.idle

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The framer's mode for the next message: opening messages have no type byte.
    public var expectsUntypedMessage: Bool {
        switch self.state {
        case .opening, .negotiatingTLS: true
        default: false
        }
    }

    /// Whether a frame may be fed now (not waiting on the delegate or on TLS).
    public var isReadyForFrame: Bool {
        switch self.state {
        case .opening, .awaitingPassword, .awaitingSCRAMFinal, .idle: true
        default: false
        }
    }

    /// The identity of the session once authenticated.
    public var session: Startup? {
        switch self.state {
        case let .idle(startup), let .executing(startup, _): startup
        default: nil
        }
    }

    // MARK: Events

    public mutating func tlsEstablished() -> Action {
        guard case .negotiatingTLS = self.state else { return .none }
        self.isTLS = true
        self.state = .opening
        return .none
    }

    public mutating func frameReceived(_ frame: PostgresFrame) -> Action {
        switch self.state {
        case .opening: return self.openingReceived(frame)
        case let .awaitingPassword(startup, method): return self.passwordReceived(frame, startup, method)
        case let .awaitingSCRAMFinal(startup, exchange): return self.scramFinalReceived(frame, startup, exchange)
        case let .idle(startup): return self.messageReceived(frame, startup)
        case .closed: return .none
        default: return self.fail(.fatal, "08P01", "unexpected message while the server was not expecting one")
        }
    }

    /// The framer could not read the stream: PostgreSQL answers a FATAL protocol_violation and closes.
    public mutating func framingFailed(_ error: PostgresProtocolError) -> Action {
        guard case .closed = self.state else { return self.fail(.fatal, "08P01", error.description) }
        return .none
    }

    public mutating func authMethodDetermined(_ result: Result<AuthMethod, PostgresError>) -> Action {
        guard case let .awaitingMethod(startup) = self.state else { return .none }
        switch result {
        case let .failure(error): return self.fail(error)
        case .success(.trust):
            self.state = .awaitingVerdict(startup, finalData: nil)
            return .verify(startup, .trusted)
        case let .success(method):
            self.state = .awaitingPassword(startup, method)
            switch method {
            case .cleartext: return .write([.authentication(.cleartextPassword)])
            case let .md5(salt): return .write([.authentication(.md5Password(salt: salt))])
            case .scram: return .write([.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))])
            case .trust: return .none
            }
        }
    }

    public mutating func verdictReceived(_ verdict: Verdict) -> Action {
        guard case let .awaitingVerdict(startup, finalData) = self.state else { return .none }
        switch verdict {
        case let .rejected(error): return self.fail(error)
        case let .accepted(parameters):
            var messages: [BackendMessage] = finalData.map { [.authentication(.saslFinal(data: $0))] } ?? []
            messages.append(.authentication(.ok))
            messages += parameters.map { .parameterStatus(name: $0.0, value: $0.1) }
            messages.append(
                .backendKeyData(processID: self.configuration.processID, secretKey: self.configuration.secretKey)
            )
            messages.append(.readyForQuery(.idle))
            self.state = .idle(startup)
            return .authenticated(startup, messages)
        }
    }

    public mutating func commandCompleted(_ result: CommandResult) -> Action {
        guard case let .executing(startup, pending) = self.state else { return .none }
        self.state = .idle(startup)
        switch result {
        case let .terminate(messages):
            self.state = .closed
            return .writeAndClose(messages)
        case let .failed(error, status):
            self.transactionStatus = status
            if case .simpleQuery = pending { return .write([.error(error), .readyForQuery(status)]) }
            self.skippingUntilSync = true
            return .write([.error(error)])
        case let .completed(messages, status):
            self.transactionStatus = status
            if case .simpleQuery = pending {
                self.portals[""] = nil
                return .write(messages + [.readyForQuery(status)])
            }
            return .write(messages)
        case let .parsed(description):
            guard case let .parse(name, query) = pending else { return .none }
            self.statements[name] = Statement(query: query, description: description)
            return .write([.parseComplete])
        }
    }

    public mutating func closed() {
        self.state = .closed
    }

    // MARK: Opening and authentication

    private mutating func openingReceived(_ frame: PostgresFrame) -> Action {
        let opening: OpeningMessage
        do {
            opening = try OpeningMessage(parsing: frame.body)
        } catch {
            switch error {
            case let .unsupportedVersion(major, minor):
                return self.fail(self.configuration.unsupportedVersion(major, minor))
            case let .protocolViolation(error):
                return self.fail(.fatal, "08P01", "invalid startup packet layout: \(error)")
            }
        }
        switch opening {
        case .sslRequest:
            guard self.configuration.tlsAvailable, !self.isTLS else { return .refuseEncryption }
            self.state = .negotiatingTLS
            return .startTLS
        case .gssEncryptionRequest:
            return .refuseEncryption
        case let .cancel(process, secret):
            self.state = .closed
            return .cancel(processID: process, secretKey: secret)
        case let .startup(_, pairs):
            let parameters = Dictionary(pairs, uniquingKeysWith: { _, last in last })
            guard let user = parameters["user"], !user.isEmpty else { return self.fail(self.configuration.missingUser) }
            let database = parameters["database"].flatMap { $0.isEmpty ? nil : $0 } ?? user
            let startup = Startup(user: user, database: database, parameters: parameters, isTLS: self.isTLS)
            self.state = .awaitingMethod(startup)
            return .askAuthMethod(startup)
        }
    }

    private mutating func passwordReceived(_ frame: PostgresFrame, _ startup: Startup, _ method: AuthMethod) -> Action {
        guard frame.type == UInt8(ascii: "p") else {
            return self.fail(.fatal, "08P01", "expected password response, got message type \(frame.type ?? 0)")
        }
        do {
            switch method {
            case .cleartext, .trust:
                self.state = .awaitingVerdict(startup, finalData: nil)
                return .verify(startup, .password(try PasswordResponse.password(frame.body)))
            case let .md5(salt):
                self.state = .awaitingVerdict(startup, finalData: nil)
                return .verify(startup, .md5(response: try PasswordResponse.password(frame.body), salt: salt))
            case let .scram(verifier, nonce):
                let (mechanism, data) = try PasswordResponse.saslInitial(frame.body)
                guard mechanism == "SCRAM-SHA-256" else {
                    return self.fail(.fatal, "08P01", "client selected an invalid SASL authentication mechanism")
                }
                // An unknown user gets a verifier no password matches (random keys), so the proof fails.
                var exchange = SCRAMServerExchange(
                    verifier: verifier ?? Self.unmatchableVerifier(nonce),
                    serverNonce: nonce
                )
                do {
                    let serverFirst = try exchange.receiveClientFirst(data)
                    self.state = .awaitingSCRAMFinal(startup, exchange)
                    return .write([.authentication(.saslContinue(data: serverFirst))])
                } catch {
                    self.state = .awaitingVerdict(startup, finalData: nil)
                    return .verify(startup, .scram(error))
                }
            }
        } catch {
            return self.fail(.fatal, "08P01", error.description)
        }
    }

    private mutating func scramFinalReceived(
        _ frame: PostgresFrame,
        _ startup: Startup,
        _ exchange: SCRAMServerExchange
    ) -> Action {
        guard frame.type == UInt8(ascii: "p") else {
            return self.fail(.fatal, "08P01", "expected SASL response, got message type \(frame.type ?? 0)")
        }
        var exchange = exchange
        var body = frame.body
        let data = body.readBytes(length: body.readableBytes) ?? []
        do {
            let serverFinal = try exchange.receiveClientFinal(data)
            self.state = .awaitingVerdict(startup, finalData: serverFinal)
            return .verify(startup, .scram(nil))
        } catch {
            self.state = .awaitingVerdict(startup, finalData: nil)
            return .verify(startup, .scram(error))
        }
    }

    private static func unmatchableVerifier(_ seed: String) -> SCRAMSHA256Verifier {
        var verifier = SCRAMSHA256Verifier(password: seed, salt: Array(seed.utf8.prefix(16)), iterations: 4_096)
        verifier.storedKey = verifier.storedKey.map { ~$0 }
        return verifier
    }

    // MARK: Queries

    private mutating func messageReceived(_ frame: PostgresFrame, _ startup: Startup) -> Action {
        let message: FrontendMessage
        do {
            message = try FrontendMessage(frame)
        } catch {
            return self.fail(.fatal, "08P01", error.description)
        }
        if self.skippingUntilSync {
            switch message {
            case .sync: break
            case .terminate, .query: break
            default: return .none
            }
        }
        switch message {
        case let .query(text):
            self.skippingUntilSync = false
            self.state = .executing(startup, .simpleQuery)
            return .execute(.simpleQuery(text))
        case let .parse(name, query, types):
            if !name.isEmpty, self.statements[name] != nil {
                return self.extendedError("42P05", "prepared statement \"\(name)\" already exists")
            }
            self.state = .executing(startup, .parse(name: name, query: query))
            return .execute(.parse(query: query, parameterTypes: types))
        case let .bind(portal, name, formats, parameters, resultFormats):
            guard let statement = self.statements[name] else {
                return self.extendedError("26000", "prepared statement \"\(name)\" does not exist")
            }
            let required = statement.description.parameterTypes.count
            guard parameters.count == required else {
                return self.extendedError(
                    "08P01",
                    "bind message supplies \(parameters.count) parameters, but prepared statement \"\(name)\" "
                        + "requires \(required)"
                )
            }
            let columns = statement.description.columns ?? []
            guard resultFormats.count <= 1 || resultFormats.count == columns.count else {
                return self.extendedError(
                    "08P01",
                    "bind message has \(resultFormats.count) result formats but query has \(columns.count) columns"
                )
            }
            guard (formats + resultFormats).allSatisfy({ $0 == 0 || $0 == 1 }) else {
                return self.extendedError(
                    "22023",
                    "unsupported format code: \((formats + resultFormats).first { $0 != 0 && $0 != 1 }!)"
                )
            }
            let formatted = columns.enumerated().map { index, column in
                var column = column
                column.format = resultFormats.isEmpty ? 0 : resultFormats[resultFormats.count == 1 ? 0 : index]
                return column
            }
            let execution = Execution(
                query: statement.query,
                parameterTypes: statement.description.parameterTypes,
                parameters: parameters,
                parameterFormats: formats,
                columns: formatted,
                maxRows: 0
            )
            self.portals[portal] = Portal(statement: statement, execution: execution)
            return .write([.bindComplete])
        case let .describe(.statement, name):
            guard let statement = self.statements[name] else {
                return self.extendedError("26000", "prepared statement \"\(name)\" does not exist")
            }
            return .write([
                .parameterDescription(typeOIDs: statement.description.parameterTypes),
                statement.description.columns.map { .rowDescription($0) } ?? .noData,
            ])
        case let .describe(.portal, name):
            guard let portal = self.portals[name] else {
                return self.extendedError("34000", "portal \"\(name)\" does not exist")
            }
            return .write([
                portal.statement.description.columns == nil ? .noData : .rowDescription(portal.execution.columns)
            ])
        case let .execute(name, maxRows):
            guard var execution = self.portals[name]?.execution else {
                return self.extendedError("34000", "portal \"\(name)\" does not exist")
            }
            execution.maxRows = maxRows
            self.state = .executing(startup, .execute)
            return .execute(.execute(execution))
        case let .close(.statement, name):
            self.statements[name] = nil
            return .write([.closeComplete])
        case let .close(.portal, name):
            self.portals[name] = nil
            return .write([.closeComplete])
        case .sync:
            self.skippingUntilSync = false
            self.portals[""] = nil
            if self.transactionStatus == .idle { self.portals.removeAll() }
            return .write([.readyForQuery(self.transactionStatus)])
        case .flush:
            return .none
        case .terminate:
            self.state = .closed
            return .close
        case .authenticationResponse:
            return self.fail(.fatal, "08P01", "unexpected password message after authentication")
        case let .unsupported(type):
            switch type {
            // CopyData/CopyDone outside COPY: ignored, as PostgreSQL does
            case UInt8(ascii: "d"), UInt8(ascii: "c"): return .none
            case UInt8(ascii: "f"): return self.extendedError("08P01", "unexpected CopyFail message outside COPY")
            default:
                return self.extendedError(
                    "0A000",
                    "the fast-path function call interface is not supported by this server; call the function in a "
                        + "query"
                )
            }
        }
    }

    /// An error in the extended protocol: reported once, then skip to Sync.
    private mutating func extendedError(_ sqlState: String, _ message: String) -> Action {
        self.skippingUntilSync = true
        return .write([.error(PostgresError(.error, sqlState, message))])
    }

    private mutating func fail(_ severity: PostgresError.Severity, _ sqlState: String, _ message: String) -> Action {
        self.fail(PostgresError(severity, sqlState, message))
    }

    private mutating func fail(_ error: PostgresError) -> Action {
        self.state = .closed
        return .writeAndClose([.error(error)])
    }
}
