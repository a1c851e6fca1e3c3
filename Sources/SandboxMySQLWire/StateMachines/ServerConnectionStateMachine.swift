import NIOCore

/// The server side of one MySQL connection as a value: events in, actions out, no I/O.
///
/// Handshake → optional TLS upgrade → authentication (plugin switch, caching_sha2 fast/full paths, RSA) →
/// command phase. The runner asks its delegate which plugin a user needs (`askAuthMethod`), whether a proof
/// is good (`verify`) and what a command answers (`execute`), and feeds the answers back in.
public struct ServerConnectionStateMachine {
    public struct Configuration: Sendable {
        public var serverVersion: String
        public var connectionID: UInt32
        public var capabilities: CapabilityFlags
        public var defaultAuthPlugin: MySQLAuthPlugin
        public var tlsAvailable: Bool
        /// The error a client gets when it does not upgrade to TLS; `nil` lets plain connections in.
        public var insecureTransportError: ErrorPacket?
        /// Whether mysql_clear_password may be used on a connection without TLS.
        public var allowsCleartextWithoutTLS: Bool
        /// The key for caching_sha2_password's RSA exchange on connections without TLS.
        public var rsaKey: CachingSHA2RSA.KeyPair?
        /// The client's host as errors name it ('user'@'host').
        public var clientHost: String

        public init(
            serverVersion: String = "8.0.36",
            connectionID: UInt32,
            clientHost: String = "%",
            capabilities: CapabilityFlags = .serverDefault,
            defaultAuthPlugin: MySQLAuthPlugin = .cachingSHA2Password,
            tlsAvailable: Bool = false,
            insecureTransportError: ErrorPacket? = nil,
            allowsCleartextWithoutTLS: Bool = false,
            rsaKey: CachingSHA2RSA.KeyPair? = nil
        ) {
            self.serverVersion = serverVersion
            self.connectionID = connectionID
            self.capabilities = capabilities
            self.defaultAuthPlugin = defaultAuthPlugin
            self.tlsAvailable = tlsAvailable
            self.insecureTransportError = insecureTransportError
            self.allowsCleartextWithoutTLS = allowsCleartextWithoutTLS
            self.rsaKey = rsaKey
            self.clientHost = clientHost
        }
    }

    public enum Action: Equatable {
        case write([MySQLPacket])
        case writeAndClose([MySQLPacket])
        /// Insert the TLS handler now, before any further byte is read.
        case startTLS
        case askAuthMethod(ServerAuthRequest)
        case verify(ServerAuthRequest, AuthProof)
        /// Authentication succeeded: write the packets (OK) and treat `request` as the session's identity.
        case authenticated(ServerAuthRequest, [MySQLPacket])
        case execute(MySQLCommand)
        case close
        case none
    }

    enum State {
        case initial
        case greeted
        case negotiatingTLS(CapabilityFlags)
        case awaitingMethod(ServerAuthRequest, initialResponse: [UInt8])
        case awaitingSwitchResponse(ServerAuthRequest, MySQLAuthPlugin)
        case awaitingVerdict(ServerAuthRequest, MySQLAuthPlugin)
        case awaitingFullAuth(ServerAuthRequest)
        case commandIdle(ServerAuthRequest)
        case executing(ServerAuthRequest, MySQLCommand)
        case closed
    }

    public let configuration: Configuration
    private(set) var state: State = .initial
    public private(set) var nonce: [UInt8]
    private(set) var isTLS = false
    /// The sequence id the next packet to the client takes (a relayed response starts here).
    public private(set) var nextSequenceID: UInt8 = 0
    private var statements: [UInt32: MySQLCommand.PreparedShape] = [:]

    public init(configuration: Configuration, nonce: [UInt8] = MySQLAuthPlugin.makeNonce()) {
        self.configuration = configuration
        self.nonce = nonce
    }

    /// The identity of the session once authenticated.
    public var session: ServerAuthRequest? {
        switch self.state {
        case let .commandIdle(request), let .executing(request, _): request
        default: nil
        }
    }

    /// Whether the machine can take a packet now (not waiting on its delegate or TLS).
    public var isReadyForPacket: Bool {
        switch self.state {
        case .greeted, .awaitingSwitchResponse, .awaitingFullAuth, .commandIdle: true
        default: false
        }
    }

    public var deprecateEOF: Bool { self.session?.clientCapabilities.contains(.deprecateEOF) ?? false }

    // MARK: Events

    public mutating func connected() -> Action {
        guard case .initial = self.state else { return .none }
        self.state = .greeted
        var capabilities = self.configuration.capabilities
        if self.configuration.tlsAvailable { capabilities.insert(.ssl) } else { capabilities.remove(.ssl) }
        let greeting = HandshakeV10(
            serverVersion: self.configuration.serverVersion,
            connectionID: self.configuration.connectionID,
            nonce: self.nonce,
            capabilities: capabilities,
            authPluginName: self.configuration.defaultAuthPlugin.rawValue
        )
        self.nextSequenceID = 0
        return .write([self.packet(.build { greeting.encode(into: &$0) })])
    }

    public mutating func tlsEstablished() -> Action {
        guard case .negotiatingTLS = self.state else { return .none }
        self.isTLS = true
        self.state = .greeted
        return .none
    }

    public mutating func packetReceived(_ packet: MySQLPacket) -> Action {
        switch self.state {
        case .greeted:
            return self.handshakeResponseReceived(packet)
        case let .awaitingSwitchResponse(request, plugin):
            self.nextSequenceID = packet.sequenceID &+ packet.frameCount
            var payload = packet.payload
            let response = payload.readBytes(length: payload.readableBytes) ?? []
            return self.proofReceived(request, plugin: plugin, response: response)
        case let .awaitingFullAuth(request):
            return self.fullAuthPacketReceived(request, packet)
        case let .commandIdle(request):
            return self.commandReceived(request, packet)
        case .closed:
            return .none
        default:
            return self.fail(.malformedPacket("packet received while the server was not expecting one"))
        }
    }

    public mutating func authMethodDetermined(_ result: Result<MySQLAuthPlugin, ErrorPacket>) -> Action {
        guard case let .awaitingMethod(request, initialResponse) = self.state else { return .none }
        let plugin: MySQLAuthPlugin
        switch result {
        case let .failure(error): return self.fail(error)
        case let .success(found): plugin = found
        }
        if plugin == .clearPassword, !self.isTLS, !self.configuration.allowsCleartextWithoutTLS {
            return self.fail(
                .accessDenied(
                    user: request.username,
                    host: self.configuration.clientHost,
                    usingPassword: !initialResponse.isEmpty
                )
            )
        }
        let clientPlugin =
            request.clientPluginName.flatMap(MySQLAuthPlugin.init(rawValue:))
            ?? (request.clientCapabilities.contains(.pluginAuth) ? nil : .nativePassword)
        if clientPlugin == plugin, plugin != .clearPassword {
            return self.proofReceived(request, plugin: plugin, response: initialResponse)
        }
        guard request.clientCapabilities.contains(.pluginAuth) else {
            // Old-style clients (node `mysql`) cannot switch plugins: MySQL 8 answers 1251 for a user of another
            // plugin.
            return self.fail(.authProtocolUnsupported)
        }
        self.state = .awaitingSwitchResponse(request, plugin)
        return .write([
            self.packet(
                .build {
                    $0.writeInteger(UInt8(0xFE))
                    $0.writeNullTerminatedString(plugin.rawValue)
                    $0.writeBytes(self.nonce)
                    $0.writeInteger(UInt8(0))
                }
            )
        ])
    }

    public mutating func verdictReceived(_ verdict: AuthVerdict) -> Action {
        guard case let .awaitingVerdict(request, plugin) = self.state else { return .none }
        switch verdict {
        case .accepted:
            var packets: [MySQLPacket] = []
            if plugin == .cachingSHA2Password, !self.fullAuthWasUsed {
                packets.append(self.packet(.build { $0.writeBytes([0x01, 0x03]) }))
            }
            self.fullAuthWasUsed = false
            packets.append(self.packet(.build { OKPacket(status: .autocommit).encode(into: &$0) }))
            self.state = .commandIdle(request)
            return .authenticated(request, packets)
        case let .rejected(error):
            return self.fail(error)
        case .fullAuthenticationRequired:
            guard plugin == .cachingSHA2Password, !self.fullAuthWasUsed else {
                return self.fail(
                    .accessDenied(user: request.username, host: self.configuration.clientHost, usingPassword: true)
                )
            }
            self.fullAuthWasUsed = true
            self.state = .awaitingFullAuth(request)
            return .write([self.packet(.build { $0.writeBytes([0x01, 0x04]) })])
        }
    }

    public mutating func commandCompleted(_ response: CommandResponse) -> Action {
        guard case let .executing(request, command) = self.state else { return .none }
        self.state = .commandIdle(request)
        switch (command, response) {
        case let (.statementPrepare, .prepared(statement)):
            self.statements[statement.id] = .init(parameterCount: statement.parameters.count)
        case let (.statementExecute(execute), _):
            if let types = execute.parameterTypes { self.statements[execute.statementID]?.boundTypes = types }
        case let (.statementClose(id), _):
            self.statements[id] = nil
        case (.resetConnection, .ok):
            self.statements.removeAll()
        default: break
        }
        let packets = response.payloads(deprecateEOF: self.deprecateEOF).map { self.packet($0) }
        if case .closeConnection = response {
            self.state = .closed
            return .writeAndClose(packets)
        }
        return packets.isEmpty ? .none : .write(packets)
    }

    public mutating func closed() {
        self.state = .closed
    }

    // MARK: Internals

    private var fullAuthWasUsed = false

    private mutating func handshakeResponseReceived(_ packet: MySQLPacket) -> Action {
        var payload = packet.payload
        self.nextSequenceID = packet.sequenceID &+ packet.frameCount
        let capabilities = HandshakeResponse41.peekCapabilities(payload) ?? []
        if payload.readableBytes == HandshakeResponse41.sslRequestLength, capabilities.contains(.ssl), !self.isTLS {
            guard self.configuration.tlsAvailable else { return self.fail(.badHandshake) }
            self.state = .negotiatingTLS(capabilities)
            return .startTLS
        }
        let response: HandshakeResponse41
        do {
            response = try HandshakeResponse41.decode(from: &payload)
        } catch {
            return self.fail(.badHandshake)
        }
        if !self.isTLS, let error = self.configuration.insecureTransportError {
            return self.fail(error)
        }
        let request = ServerAuthRequest(
            username: response.username,
            database: response.database,
            clientCapabilities: response.capabilities,
            clientPluginName: response.authPluginName,
            connectAttributes: response.connectAttributes,
            characterSet: response.characterSet,
            isTLS: self.isTLS
        )
        self.state = .awaitingMethod(request, initialResponse: response.authResponse)
        return .askAuthMethod(request)
    }

    private mutating func proofReceived(
        _ request: ServerAuthRequest,
        plugin: MySQLAuthPlugin,
        response: [UInt8]
    ) -> Action {
        self.state = .awaitingVerdict(request, plugin)
        switch plugin {
        case .clearPassword:
            var bytes = response
            if bytes.last == 0 { bytes.removeLast() }
            return .verify(request, .cleartext(String(decoding: bytes, as: UTF8.self)))
        case .nativePassword, .cachingSHA2Password:
            return .verify(request, .scramble(plugin: plugin, response: response, nonce: self.nonce))
        }
    }

    private mutating func fullAuthPacketReceived(_ request: ServerAuthRequest, _ packet: MySQLPacket) -> Action {
        self.nextSequenceID = packet.sequenceID &+ packet.frameCount
        var payload = packet.payload
        let bytes = payload.readBytes(length: payload.readableBytes) ?? []
        if self.isTLS {
            self.state = .awaitingVerdict(request, .cachingSHA2Password)
            return .verify(
                request,
                .cleartext(String(decoding: bytes.last == 0 ? bytes.dropLast() : bytes[...], as: UTF8.self))
            )
        }
        guard let key = self.configuration.rsaKey else {
            return self.fail(
                .accessDenied(user: request.username, host: self.configuration.clientHost, usingPassword: true)
            )
        }
        if bytes == [0x02] {
            return .write([
                self.packet(
                    .build {
                        $0.writeInteger(UInt8(0x01))
                        $0.writeString(key.publicKeyPEM)
                    }
                )
            ])
        }
        guard let password = CachingSHA2RSA.decrypt(bytes, nonce: self.nonce, key: key) else {
            return self.fail(
                .accessDenied(user: request.username, host: self.configuration.clientHost, usingPassword: true)
            )
        }
        self.state = .awaitingVerdict(request, .cachingSHA2Password)
        return .verify(request, .cleartext(password))
    }

    private mutating func commandReceived(_ session: ServerAuthRequest, _ packet: MySQLPacket) -> Action {
        self.nextSequenceID = packet.sequenceID &+ packet.frameCount
        guard packet.sequenceID == 0 else {
            return self.fail(ErrorPacket(code: 1156, sqlState: "08S01", message: "Got packets out of order"))
        }
        var payload = packet.payload
        let command: MySQLCommand
        do {
            command = try MySQLCommand.decode(from: &payload) { self.statements[$0] }
        } catch {
            if error.code == 1047 || error.code == 1243 {
                return .write([self.packet(.build { error.encode(into: &$0) })])
            }
            return self.fail(error)
        }
        switch command {
        case .quit:
            self.state = .closed
            return .close
        case .ping:
            return .write([self.packet(.build { OKPacket(status: .autocommit).encode(into: &$0) })])
        case let .changeUser(change):
            let request = ServerAuthRequest(
                username: change.username,
                database: change.database,
                clientCapabilities: session.clientCapabilities,
                clientPluginName: change.authPluginName,
                connectAttributes: session.connectAttributes,
                characterSet: UInt8(truncatingIfNeeded: change.characterSet),
                isTLS: self.isTLS,
                isChangeUser: true
            )
            self.fullAuthWasUsed = false
            self.state = .awaitingMethod(request, initialResponse: change.authResponse)
            return .askAuthMethod(request)
        default:
            self.state = .executing(session, command)
            return .execute(command)
        }
    }

    private mutating func fail(_ error: ErrorPacket) -> Action {
        self.state = .closed
        return .writeAndClose([self.packet(.build { error.encode(into: &$0) })])
    }

    private mutating func packet(_ payload: ByteBuffer) -> MySQLPacket {
        let packet = MySQLPacket(sequenceID: self.nextSequenceID, payload: payload)
        self.nextSequenceID &+= packet.frameCount
        return packet
    }
}
