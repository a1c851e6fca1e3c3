import NIOCore

/// The client side of one MySQL connection as a value: login (TLS upgrade, plugin switches, caching_sha2
/// fast/full auth with RSA) and one command at a time, its response assembled from packets. No I/O.
public struct ClientConnectionStateMachine {
    public enum Action: Equatable {
        case write([MySQLPacket])
        /// Write the SSLRequest, then insert the TLS handler before anything else is written.
        case writeSSLRequestAndStartTLS(MySQLPacket)
        case loggedIn(HandshakeV10)
        case loginFailed(MySQLClientError)
        case commandCompleted(CommandResult)
        case commandFailed(MySQLClientError)
        /// A packet of a relayed response, to pass on (see `relay(_:clientDeprecatesEOF:)`).
        case relayed(ResponseRelay.Action)
        case none
    }

    /// What a completed command returned.
    public enum CommandResult: Sendable, Equatable {
        case ok(OKPacket)
        case resultSet(ResultSet)
        case prepared(PreparedStatement)
        case none
    }

    enum ResponseKind { case simple, textRows, binaryRows, prepare }

    enum State {
        case awaitingGreeting
        case upgradingTLS(HandshakeV10)
        case authenticating(HandshakeV10, plugin: MySQLAuthPlugin, awaitingKey: Bool)
        case ready(HandshakeV10)
        case awaitingResponse(HandshakeV10, ResponseKind, Partial)
        case relaying(HandshakeV10, ResponseRelay)
        case failed
    }

    struct Partial {
        var columnCount = 0
        var columns: [ColumnDefinition41] = []
        var sawColumnsEOF = false
        var rows: [[MySQLValue]] = []
        var prepared: PreparedStatement?
        var parameterCount = 0
        var sawParametersEOF = false
    }

    public let configuration: MySQLClientConfiguration
    private(set) var state: State = .awaitingGreeting
    private var isTLS = false
    private var capabilities: CapabilityFlags = []
    private var nextSequenceID: UInt8 = 0

    public init(configuration: MySQLClientConfiguration) {
        self.configuration = configuration
    }

    public var deprecateEOF: Bool { self.capabilities.contains(.deprecateEOF) }

    public mutating func packetReceived(_ packet: MySQLPacket) -> Action {
        self.nextSequenceID = packet.sequenceID &+ packet.frameCount
        switch self.state {
        case .awaitingGreeting: return self.greetingReceived(packet)
        case let .authenticating(greeting, plugin, awaitingKey):
            return self.authPacketReceived(packet, greeting, plugin, awaitingKey)
        case .awaitingResponse(let greeting, let kind, var partial):
            // The state lets go of the partial result first, so appending a row does not copy all earlier ones.
            self.state = .failed
            return self.responsePacketReceived(packet, greeting, kind, &partial)
        case .relaying(let greeting, var relay):
            do {
                let action = try relay.packetReceived(packet.payload)
                if case .finished = action {
                    self.state = .ready(greeting)
                } else {
                    self.state = .relaying(greeting, relay)
                }
                return .relayed(action)
            } catch {
                self.state = .failed
                return .commandFailed(.protocolViolation("\(error)"))
            }
        case .upgradingTLS, .ready, .failed:
            return self.loginFail(.protocolViolation("unexpected packet from the server"))
        }
    }

    public mutating func tlsEstablished() -> Action {
        guard case let .upgradingTLS(greeting) = self.state else { return .none }
        self.isTLS = true
        return .write([self.handshakeResponse(greeting)])
    }

    /// Sends a command; the response arrives through `packetReceived`.
    public mutating func send(_ command: MySQLCommand) -> Action {
        guard case let .ready(greeting) = self.state else {
            return .commandFailed(.protocolViolation("connection is not ready for a command"))
        }
        self.nextSequenceID = 0
        let packet = self.packet(.build { command.encode(into: &$0) })
        switch command {
        case .statementClose, .quit:
            return .write([packet])
        case .query: self.state = .awaitingResponse(greeting, .textRows, Partial())
        case .statementExecute: self.state = .awaitingResponse(greeting, .binaryRows, Partial())
        case .statementPrepare: self.state = .awaitingResponse(greeting, .prepare, Partial())
        default: self.state = .awaitingResponse(greeting, .simple, Partial())
        }
        return .write([packet])
    }

    /// Sends a command whose response is passed on packet by packet (`.relayed` actions) instead of assembled,
    /// rewritten where needed for a client that does (or does not) want CLIENT_DEPRECATE_EOF.
    public mutating func relay(_ command: MySQLCommand, clientDeprecatesEOF: Bool) -> Action {
        guard case let .ready(greeting) = self.state else {
            return .commandFailed(.protocolViolation("connection is not ready for a command"))
        }
        self.nextSequenceID = 0
        let kind: ResponseRelay.Kind
        switch command {
        case .query, .statementExecute: kind = .rows
        case .statementPrepare, .statementClose, .quit, .fieldList:
            return .commandFailed(.protocolViolation("only commands answered by rows or OK are relayed"))
        default: kind = .simple
        }
        self.state = .relaying(
            greeting,
            ResponseRelay(kind: kind, serverDeprecatesEOF: self.deprecateEOF, clientDeprecatesEOF: clientDeprecatesEOF)
        )
        return .write([self.packet(.build { command.encode(into: &$0) })])
    }

    public mutating func connectionClosed() -> Action {
        switch self.state {
        case .awaitingGreeting, .upgradingTLS, .authenticating:
            self.state = .failed
            return .loginFailed(.connectionClosed)
        case .awaitingResponse, .relaying:
            self.state = .failed
            return .commandFailed(.connectionClosed)
        case .ready, .failed:
            self.state = .failed
            return .none
        }
    }

    // MARK: Login

    private mutating func greetingReceived(_ packet: MySQLPacket) -> Action {
        var payload = packet.payload
        if packet.firstByte == 0xFF, let error = try? ErrorPacket.decode(from: &payload) {
            return self.loginFail(.server(error))
        }
        guard let greeting = try? HandshakeV10.decode(from: &payload) else {
            return self.loginFail(.protocolViolation("bad greeting"))
        }
        var wanted = CapabilityFlags.clientDefault
        if self.configuration.database != nil { wanted.insert(.connectWithDB) }
        if !self.configuration.pluginAuth {
            wanted.subtract([.pluginAuth, .pluginAuthLenencClientData, .connectAttrs])
        }
        self.capabilities = wanted.intersection(greeting.capabilities).union([.protocol41, .longPassword])
        let serverTLS = greeting.capabilities.contains(.ssl)
        switch self.configuration.tls {
        case .required where !serverTLS: return self.loginFail(.tlsUnavailable)
        case .required,
            .preferred where serverTLS:
            self.capabilities.insert(.ssl)
            self.state = .upgradingTLS(greeting)
            return .writeSSLRequestAndStartTLS(
                self.packet(
                    .build {
                        HandshakeResponse41.encodeSSLRequest(capabilities: self.capabilities, into: &$0)
                    }
                )
            )
        default:
            return .write([self.handshakeResponse(greeting)])
        }
    }

    private mutating func handshakeResponse(_ greeting: HandshakeV10) -> MySQLPacket {
        let plugin = self.configuration.pluginAuth ? self.configuration.authPlugin : .nativePassword
        self.state = .authenticating(greeting, plugin: plugin, awaitingKey: false)
        let response = HandshakeResponse41(
            capabilities: self.capabilities,
            username: self.configuration.username,
            authResponse: plugin == .clearPassword
                ? [] : plugin.authResponse(password: self.configuration.password, nonce: greeting.nonce),
            database: self.configuration.database,
            authPluginName: plugin.rawValue,
            connectAttributes: self.configuration.connectAttributes
        )
        return self.packet(.build { response.encode(into: &$0) })
    }

    private mutating func authPacketReceived(
        _ packet: MySQLPacket,
        _ greeting: HandshakeV10,
        _ plugin: MySQLAuthPlugin,
        _ awaitingKey: Bool
    ) -> Action {
        var payload = packet.payload
        switch packet.firstByte {
        case 0x00:
            self.state = .ready(greeting)
            return .loggedIn(greeting)
        case 0xFF:
            return self.loginFail(.server((try? ErrorPacket.decode(from: &payload)) ?? .badHandshake))
        case 0xFE:
            payload.moveReaderIndex(forwardBy: 1)
            guard let name = payload.readNullTerminatedString() ?? Optional(payload.readRemainingString()),
                let switched = MySQLAuthPlugin(rawValue: name)
            else { return self.loginFail(.protocolViolation("server asked for an unsupported auth plugin")) }
            var nonce = payload.readRemainingBytesDroppingNUL()
            if nonce.isEmpty { nonce = greeting.nonce }
            if switched == .clearPassword, !self.configuration.enablesCleartextPlugin {
                return self.loginFail(.cleartextPluginDisabled)
            }
            if switched == .clearPassword, !self.isTLS, !self.configuration.allowsCleartextWithoutTLS {
                return self.loginFail(.cleartextRefused)
            }
            var updated = greeting
            updated.nonce = nonce
            self.state = .authenticating(updated, plugin: switched, awaitingKey: false)
            let response = switched.authResponse(password: self.configuration.password, nonce: nonce)
            return .write([self.packet(.build { $0.writeBytes(response) })])
        case 0x01 where plugin == .cachingSHA2Password:
            payload.moveReaderIndex(forwardBy: 1)
            if awaitingKey {
                return self.sendEncryptedPassword(publicKeyPEM: payload.readRemainingString(), greeting)
            }
            switch payload.readInteger(as: UInt8.self) {
            case 0x03: return .none
            case 0x04:
                if self.isTLS {
                    return .write([self.packet(.build { $0.writeNullTerminatedString(self.configuration.password) })])
                }
                if let key = self.configuration.serverPublicKeyPEM {
                    return self.sendEncryptedPassword(publicKeyPEM: key, greeting)
                }
                self.state = .authenticating(greeting, plugin: plugin, awaitingKey: true)
                return .write([self.packet(.build { $0.writeInteger(UInt8(0x02)) })])
            default:
                return self.loginFail(.protocolViolation("unknown caching_sha2_password status"))
            }
        default:
            return self.loginFail(.protocolViolation("unexpected packet during authentication"))
        }
    }

    private mutating func sendEncryptedPassword(publicKeyPEM: String, _ greeting: HandshakeV10) -> Action {
        guard
            let cipher = try? CachingSHA2RSA.encrypt(
                password: self.configuration.password,
                nonce: greeting.nonce,
                publicKeyPEM: publicKeyPEM
            )
        else { return self.loginFail(.protocolViolation("server sent an unusable RSA public key")) }
        self.state = .authenticating(greeting, plugin: .cachingSHA2Password, awaitingKey: false)
        return .write([self.packet(.build { $0.writeBytes(cipher) })])
    }

    private mutating func loginFail(_ error: MySQLClientError) -> Action {
        self.state = .failed
        return .loginFailed(error)
    }

    // MARK: Command responses

    private mutating func responsePacketReceived(
        _ packet: MySQLPacket,
        _ greeting: HandshakeV10,
        _ kind: ResponseKind,
        _ partial: inout Partial
    ) -> Action {
        var payload = packet.payload
        let finish = { (result: CommandResult) -> Action in .commandCompleted(result) }
        // No column definition (lenenc "def"), text row (lenenc values) or binary row (0x00) starts with 0xFF.
        if packet.firstByte == 0xFF {
            self.state = .ready(greeting)
            let error = (try? ErrorPacket.decode(from: &payload)) ?? .malformedPacket("bad ERR")
            return .commandFailed(.server(error))
        }
        do {
            if kind == .prepare {
                return try self.prepareResponsePacketReceived(&payload, packet, greeting, partial)
            }
            if partial.columnCount == 0 {
                if packet.firstByte == 0x00 || kind == .simple {
                    self.state = .ready(greeting)
                    return finish(.ok(try OKPacket.decode(from: &payload)))
                }
                // MySQL's tables hold at most 4,096 columns; a larger count (up to 2^64) is a broken or hostile server.
                guard let count = payload.readLengthEncodedInteger(), count > 0, count <= 4_096 else {
                    throw MySQLProtocolError.malformed("column count")
                }
                partial.columnCount = Int(count)
            } else if partial.columns.count < partial.columnCount {
                partial.columns.append(try ColumnDefinition41.decode(from: &payload))
            } else if !self.deprecateEOF, !partial.sawColumnsEOF {
                guard EOFPacket.isEOF(packet) else {
                    throw MySQLProtocolError.unexpectedPacket("missing EOF after columns")
                }
                partial.sawColumnsEOF = true
            } else if EOFPacket.isEOF(packet) {
                self.state = .ready(greeting)
                let end = EOFPacket.endStatus(of: packet.payload, deprecateEOF: self.deprecateEOF)
                return finish(
                    .resultSet(
                        ResultSet(
                            columns: partial.columns,
                            rows: partial.rows,
                            status: end.status,
                            warnings: end.warnings
                        )
                    )
                )
            } else {
                partial.rows.append(
                    kind == .binaryRows
                        ? try BinaryRow.decode(from: &payload, columns: partial.columns)
                        : try TextRow.decode(from: &payload, columnCount: partial.columnCount)
                )
            }
        } catch {
            self.state = .failed
            return .commandFailed(.protocolViolation("\(error)"))
        }
        self.state = .awaitingResponse(greeting, kind, partial)
        return .none
    }

    /// COM_STMT_PREPARE_OK, then the parameter definitions and the column definitions, each block followed
    /// by an EOF unless CLIENT_DEPRECATE_EOF was negotiated.
    private mutating func prepareResponsePacketReceived(
        _ payload: inout ByteBuffer,
        _ packet: MySQLPacket,
        _ greeting: HandshakeV10,
        _ partial: Partial
    ) throws -> Action {
        var partial = partial
        guard var statement = partial.prepared else {
            guard payload.readInteger(as: UInt8.self) == 0x00, let id = payload.readMySQLInteger(as: UInt32.self),
                let columns = payload.readMySQLInteger(as: UInt16.self),
                let params = payload.readMySQLInteger(as: UInt16.self)
            else { throw MySQLProtocolError.truncated("COM_STMT_PREPARE_OK") }
            partial.prepared = PreparedStatement(id: id, parameters: [], columns: [])
            partial.parameterCount = Int(params)
            partial.columnCount = Int(columns)
            return self.prepareProgress(greeting, partial)
        }
        if statement.parameters.count < partial.parameterCount {
            statement.parameters.append(try ColumnDefinition41.decode(from: &payload))
        } else if self.eofFollows(partial.parameterCount), !partial.sawParametersEOF {
            guard EOFPacket.isEOF(packet) else {
                throw MySQLProtocolError.unexpectedPacket("missing EOF after parameters")
            }
            partial.sawParametersEOF = true
        } else if statement.columns.count < partial.columnCount {
            statement.columns.append(try ColumnDefinition41.decode(from: &payload))
        } else {
            guard EOFPacket.isEOF(packet) else {
                throw MySQLProtocolError.unexpectedPacket("missing EOF after columns")
            }
            partial.sawColumnsEOF = true
        }
        partial.prepared = statement
        return self.prepareProgress(greeting, partial)
    }

    /// Whether a block of `count` definitions is followed by an EOF packet.
    private func eofFollows(_ count: Int) -> Bool { count > 0 && !self.deprecateEOF }

    private mutating func prepareProgress(_ greeting: HandshakeV10, _ partial: Partial) -> Action {
        let statement = partial.prepared!
        let done =
            statement.parameters.count == partial.parameterCount
            && (!self.eofFollows(partial.parameterCount) || partial.sawParametersEOF)
            && statement.columns.count == partial.columnCount
            && (!self.eofFollows(partial.columnCount) || partial.sawColumnsEOF)
        if done {
            self.state = .ready(greeting)
            return .commandCompleted(.prepared(statement))
        }
        self.state = .awaitingResponse(greeting, .prepare, partial)
        return .none
    }

    private mutating func packet(_ payload: ByteBuffer) -> MySQLPacket {
        let packet = MySQLPacket(sequenceID: self.nextSequenceID, payload: payload)
        self.nextSequenceID &+= packet.frameCount
        return packet
    }
}
