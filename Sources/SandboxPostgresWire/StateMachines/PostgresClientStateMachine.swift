import NIOCore

/// The client side of a PostgreSQL login as a value: SSLRequest and TLS, the startup message, whichever
/// authentication the server asks for (cleartext, MD5, SCRAM-SHA-256 with the server's signature checked), then the
/// ParameterStatus and BackendKeyData up to the first ReadyForQuery. No I/O.
public struct PostgresClientStateMachine: Sendable {
    public enum TLSMode: Sendable, Equatable {
        case disable
        /// Ask for TLS, and fail if the server says N.
        case require
    }

    public struct Configuration: Sendable {
        public var user: String
        public var password: String?
        public var database: String?
        /// Further startup parameters (application_name, client_encoding, ...).
        public var parameters: [(String, String)]
        public var tls: TLSMode

        public init(
            user: String,
            password: String?,
            database: String?,
            parameters: [(String, String)] = [],
            tls: TLSMode = .disable
        ) {
            (self.user, self.password, self.database, self.parameters, self.tls) = (
                user, password, database, parameters, tls
            )
        }
    }

    /// Why a login failed.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case server(PostgresError)
        case tlsRefused
        case passwordRequired
        case unsupportedAuthentication(String)
        case serverSignatureMismatch
        case protocolViolation(String)

        public var description: String {
            switch self {
            case let .server(error): "\(error)"
            case .tlsRefused: "the server does not accept TLS connections (it answered N to the SSLRequest)"
            case .passwordRequired: "the server asked for a password and none was configured"
            case let .unsupportedAuthentication(what): "unsupported authentication: \(what)"
            case .serverSignatureMismatch: "the server's SCRAM signature does not prove it knows the password"
            case let .protocolViolation(what): "protocol violation: \(what)"
            }
        }
    }

    public enum Action: Sendable, Equatable {
        /// Write an untyped opening message (SSLRequest, startup).
        case writeOpening(OpeningMessage)
        case write(FrontendMessage)
        /// Insert the TLS handler: the server said S.
        case startTLS
        /// Logged in: the server's parameters and BackendKeyData.
        case ready(parameters: [String: String], processID: Int32, secretKey: Int32)
        case fail(Failure)
        case none
    }

    enum State: Sendable {
        case initial
        case awaitingSSLAnswer
        case negotiatingTLS
        case authenticating(SCRAMClientExchange?)
        case awaitingReady
        case ready
        case failed
    }

    public let configuration: Configuration
    private var state = State.initial
    private var parameters: [String: String] = [:]
    private var key: (Int32, Int32) = (0, 0)
    private let clientNonce: String

    public init(configuration: Configuration, clientNonce: String = PostgresClientStateMachine.makeNonce()) {
        (self.configuration, self.clientNonce) = (configuration, clientNonce)
    }

    public static func makeNonce() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<24).map { _ in alphabet.randomElement()! })
    }

    /// Whether the next thing the server sends is the single-byte answer to an SSLRequest.
    public var expectsSSLAnswer: Bool {
        if case .awaitingSSLAnswer = self.state { return true }
        return false
    }

    public mutating func start() -> Action {
        guard case .initial = self.state else { return .none }
        if self.configuration.tls == .require {
            self.state = .awaitingSSLAnswer
            return .writeOpening(.sslRequest)
        }
        return self.startup()
    }

    public mutating func sslAnswerReceived(_ byte: UInt8) -> Action {
        guard case .awaitingSSLAnswer = self.state else { return .none }
        switch byte {
        case UInt8(ascii: "S"):
            self.state = .negotiatingTLS
            return .startTLS
        case UInt8(ascii: "N"): return self.fail(.tlsRefused)
        default: return self.fail(.protocolViolation("answer \(byte) to the SSLRequest"))
        }
    }

    public mutating func tlsEstablished() -> Action {
        guard case .negotiatingTLS = self.state else { return .none }
        return self.startup()
    }

    public mutating func messageReceived(_ message: BackendMessage) -> Action {
        switch (self.state, message) {
        case let (_, .error(error)):
            return self.fail(.server(error))
        case (.authenticating, .authentication(.ok)):
            self.state = .awaitingReady
            return .none
        case (.authenticating, .authentication(.cleartextPassword)):
            guard let password = self.configuration.password else { return self.fail(.passwordRequired) }
            return .write(.authenticationResponse(Self.passwordBody(password)))
        case let (.authenticating, .authentication(.md5Password(salt))):
            guard let password = self.configuration.password else { return self.fail(.passwordRequired) }
            return .write(
                .authenticationResponse(
                    Self.passwordBody(
                        MD5Password.response(user: self.configuration.user, password: password, salt: salt)
                    )
                )
            )
        case let (.authenticating, .authentication(.sasl(mechanisms))):
            guard mechanisms.contains("SCRAM-SHA-256") else {
                return self.fail(.unsupportedAuthentication("SASL mechanisms \(mechanisms)"))
            }
            guard let password = self.configuration.password else { return self.fail(.passwordRequired) }
            let exchange = SCRAMClientExchange(password: password, clientNonce: self.clientNonce)
            self.state = .authenticating(exchange)
            var body = ByteBuffer()
            body.writePostgresString("SCRAM-SHA-256")
            body.writeInteger(Int32(exchange.clientFirst.count))
            body.writeBytes(exchange.clientFirst)
            return .write(.authenticationResponse(body))
        case let (.authenticating(exchange?), .authentication(.saslContinue(data))):
            var exchange = exchange
            do {
                let final = try exchange.receiveServerFirst(data)
                self.state = .authenticating(exchange)
                return .write(.authenticationResponse(ByteBuffer(bytes: final)))
            } catch {
                return self.fail(.protocolViolation("\(error)"))
            }
        case let (.authenticating(exchange?), .authentication(.saslFinal(data))):
            guard exchange.verifyServerFinal(data) else { return self.fail(.serverSignatureMismatch) }
            return .none
        case let (.awaitingReady, .parameterStatus(name, value)), let (.ready, .parameterStatus(name, value)):
            self.parameters[name] = value
            return .none
        case let (.awaitingReady, .backendKeyData(process, secret)):
            self.key = (process, secret)
            return .none
        case (.awaitingReady, .notice), (.authenticating, .notice):
            return .none
        case (.awaitingReady, .readyForQuery):
            self.state = .ready
            return .ready(parameters: self.parameters, processID: self.key.0, secretKey: self.key.1)
        default:
            return self.fail(
                .protocolViolation("unexpected \(Character(UnicodeScalar(message.type))) message during login")
            )
        }
    }

    private mutating func startup() -> Action {
        self.state = .authenticating(nil)
        var parameters = [("user", self.configuration.user)]
        if let database = self.configuration.database { parameters.append(("database", database)) }
        return .writeOpening(.startup(minor: 0, parameters: parameters + self.configuration.parameters))
    }

    private mutating func fail(_ failure: Failure) -> Action {
        self.state = .failed
        return .fail(failure)
    }

    private static func passwordBody(_ password: String) -> ByteBuffer {
        var body = ByteBuffer()
        body.writePostgresString(password)
        return body
    }
}
