import NIOCore
import SandboxMySQLWire
import XCTest

/// The client and server state machines talking to each other as plain values, no sockets: every plugin
/// path of the login and a command round trip.
final class ConnectionStateMachineTests: XCTestCase {
    /// A scripted server-side delegate: one user with `plugin` and `password`; caching_sha2 misses the cache.
    struct Pair {
        var server: ServerConnectionStateMachine
        var client: ClientConnectionStateMachine
        var userPlugin: MySQLAuthPlugin
        var password = "pw"
        var fastCache = false
        var tlsUp = false
        var loggedIn = false
        var loginError: MySQLClientError?
        var serverClosed = false

        init(
            plugin: MySQLAuthPlugin,
            clientPlugin: MySQLAuthPlugin = .cachingSHA2Password,
            clientPassword: String = "pw",
            tls: Bool = false,
            rsa: CachingSHA2RSA.KeyPair? = nil,
            allowClear: Bool = false,
            serverCapabilities: CapabilityFlags = .serverDefault
        ) {
            self.server = ServerConnectionStateMachine(
                configuration: .init(
                    connectionID: 1,
                    capabilities: serverCapabilities,
                    tlsAvailable: tls,
                    allowsCleartextWithoutTLS: allowClear,
                    rsaKey: rsa
                )
            )
            self.client = ClientConnectionStateMachine(
                configuration: .init(
                    username: "u",
                    password: clientPassword,
                    authPlugin: clientPlugin,
                    tls: tls ? .required : .disabled,
                    allowsCleartextWithoutTLS: allowClear
                )
            )
            self.userPlugin = plugin
        }

        mutating func toClient(_ action: ServerConnectionStateMachine.Action) {
            switch action {
            case let .write(packets): for packet in packets { self.feedClient(packet) }
            case let .writeAndClose(packets):
                for packet in packets { self.feedClient(packet) }
                self.serverClosed = true
            case .startTLS: break
            case let .askAuthMethod(request):
                XCTAssertEqual(request.username, "u")
                self.toClient(self.server.authMethodDetermined(.success(self.userPlugin)))
            case let .verify(_, proof):
                if case .scramble(.cachingSHA2Password, _, _) = proof, !self.fastCache {
                    return self.toClient(self.server.verdictReceived(.fullAuthenticationRequired))
                }
                let verdict: AuthVerdict =
                    proof.matches(password: self.password)
                    ? .accepted
                    : .rejected(.accessDenied(user: "u", host: "h", usingPassword: true))
                self.toClient(self.server.verdictReceived(verdict))
            case let .authenticated(_, packets): for packet in packets { self.feedClient(packet) }
            case .execute, .close, .none: break
            }
        }

        mutating func feedClient(_ packet: MySQLPacket) {
            self.toServer(self.client.packetReceived(packet))
        }

        mutating func toServer(_ action: ClientConnectionStateMachine.Action) {
            switch action {
            case let .write(packets): for packet in packets { self.toClient(self.server.packetReceived(packet)) }
            case let .writeSSLRequestAndStartTLS(packet):
                XCTAssertEqual(self.server.packetReceived(packet), .startTLS)
                self.tlsUp = true
                _ = self.server.tlsEstablished()
                self.toServer(self.client.tlsEstablished())
            case .loggedIn: self.loggedIn = true
            case let .loginFailed(error): self.loginError = error
            case .commandCompleted, .commandFailed, .relayed, .none: break
            }
        }

        mutating func run() { self.toClient(self.server.connected()) }
    }

    /// A client without CLIENT_PLUGIN_AUTH (node `mysql`) logging in as a caching_sha2 user: MySQL 8's 1251.
    func testOldClientAndAnSHA2UserGet1251() throws {
        var server = ServerConnectionStateMachine(
            configuration: .init(connectionID: 1, capabilities: .serverDefault, tlsAvailable: false)
        )
        _ = server.connected()
        let old = HandshakeResponse41(
            capabilities: [.protocol41, .secureConnection, .longPassword],
            username: "node",
            authResponse: Array(repeating: 1, count: 20)
        )
        var payload = ByteBuffer()
        old.encode(into: &payload)
        guard case .askAuthMethod = server.packetReceived(MySQLPacket(sequenceID: 1, payload: payload)) else {
            return XCTFail("the server looks the user up")
        }
        guard case let .writeAndClose(packets) = server.authMethodDetermined(.success(.cachingSHA2Password)) else {
            return XCTFail("refused")
        }
        var error = try XCTUnwrap(packets.first).payload
        XCTAssertEqual(error.getInteger(at: error.readerIndex, as: UInt8.self), 0xFF)
        let decoded = try ErrorPacket.decode(from: &error)
        XCTAssertEqual(decoded, .authProtocolUnsupported)
        XCTAssertEqual(decoded.code, 1251)
        XCTAssertEqual(decoded.sqlState, "08004")
        var native = ServerConnectionStateMachine(
            configuration: .init(connectionID: 2, capabilities: .serverDefault, tlsAvailable: false)
        )
        _ = native.connected()
        old.encode(into: &payload)
        guard case .askAuthMethod = native.packetReceived(MySQLPacket(sequenceID: 1, payload: payload)) else {
            return XCTFail()
        }
        guard case .verify = native.authMethodDetermined(.success(.nativePassword)) else {
            return XCTFail("a native user is verified as before")
        }
    }

    /// Found by `make fuzz` (FuzzClientPackets): a result's column count of 2^64 - 1 trapped converting to Int.
    /// A server that sends it now fails the command with a protocol violation.
    func testAnAbsurdColumnCountFailsTheCommand() {
        var pair = Pair(plugin: .nativePassword, clientPlugin: .nativePassword)
        pair.run()
        XCTAssertTrue(pair.loggedIn)
        _ = pair.client.send(.query("SELECT 1"))
        let count = ByteBuffer(bytes: [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        guard case let .commandFailed(error) = pair.client.packetReceived(MySQLPacket(sequenceID: 1, payload: count))
        else {
            return XCTFail("the command fails")
        }
        XCTAssertEqual(error, .protocolViolation("malformed column count"))
    }

    func testNativePasswordDirect() {
        var pair = Pair(plugin: .nativePassword, clientPlugin: .nativePassword)
        pair.run()
        XCTAssertTrue(pair.loggedIn)
    }

    /// Our client as a driver without authentication plugins: a native user logs in, a caching_sha2 user gets 1251.
    func testClientWithoutPluginAuth() {
        for (plugin, logsIn) in [(MySQLAuthPlugin.nativePassword, true), (.cachingSHA2Password, false)] {
            var pair = Pair(plugin: plugin)
            var configuration = MySQLClientConfiguration(username: "u", password: "pw", tls: .disabled)
            configuration.pluginAuth = false
            pair.client = ClientConnectionStateMachine(configuration: configuration)
            pair.run()
            XCTAssertEqual(pair.loggedIn, logsIn, "\(plugin)")
            if !logsIn {
                XCTAssertEqual(pair.loginError?.serverError?.code, 1251, "\(String(describing: pair.loginError))")
            }
        }
    }

    func testPluginSwitchFromSHA2ToNative() {
        var pair = Pair(plugin: .nativePassword, clientPlugin: .cachingSHA2Password)
        pair.run()
        XCTAssertTrue(pair.loggedIn)
    }

    func testCachingSHA2FastPath() {
        var pair = Pair(plugin: .cachingSHA2Password)
        pair.fastCache = true
        pair.run()
        XCTAssertTrue(pair.loggedIn)
    }

    func testCachingSHA2FullAuthOverTLSSendsCleartext() {
        var pair = Pair(plugin: .cachingSHA2Password, tls: true)
        pair.run()
        XCTAssertTrue(pair.tlsUp)
        XCTAssertTrue(pair.loggedIn)
    }

    func testCachingSHA2FullAuthWithoutTLSUsesRSA() throws {
        var pair = Pair(plugin: .cachingSHA2Password, rsa: try CachingSHA2RSA.KeyPair())
        pair.run()
        XCTAssertTrue(pair.loggedIn)
    }

    func testCachingSHA2FullAuthWithoutTLSOrKeyIsDenied() {
        var pair = Pair(plugin: .cachingSHA2Password)
        pair.run()
        XCTAssertEqual(pair.loginError?.serverError?.code, 1045)
    }

    func testClearPasswordRefusedWithoutTLSAndAcceptedWithIt() {
        var plain = Pair(plugin: .clearPassword)
        plain.run()
        XCTAssertEqual(plain.loginError?.serverError?.code, 1045)
        var tls = Pair(plugin: .clearPassword, tls: true)
        tls.run()
        XCTAssertTrue(tls.loggedIn)
    }

    /// As MySQL's libmysqlclient without MYSQL_ENABLE_CLEARTEXT_PLUGIN: even over TLS, no password in clear text.
    func testClearPasswordWithTheCleartextPluginDisabled() {
        var pair = Pair(plugin: .clearPassword, tls: true)
        var configuration = MySQLClientConfiguration(username: "u", password: "pw", tls: .required)
        configuration.enablesCleartextPlugin = false
        pair.client = ClientConnectionStateMachine(configuration: configuration)
        pair.run()
        XCTAssertFalse(pair.loggedIn)
        XCTAssertEqual(pair.loginError, .cleartextPluginDisabled)
    }

    func testWrongPasswordIsAccessDenied() {
        var pair = Pair(plugin: .nativePassword, clientPlugin: .nativePassword, clientPassword: "bad")
        pair.run()
        XCTAssertEqual(pair.loginError?.serverError?.message, "Access denied for user 'u'@'h' (using password: YES)")
        XCTAssertTrue(pair.serverClosed)
    }

    func testRequireSecureTransportRefusesPlainClients() {
        var server = ServerConnectionStateMachine(
            configuration: .init(connectionID: 1, tlsAvailable: true, insecureTransportError: .insecureTransport)
        )
        _ = server.connected()
        var response = ByteBuffer()
        HandshakeResponse41(capabilities: .clientDefault, username: "u", authResponse: []).encode(into: &response)
        guard case let .writeAndClose(packets) = server.packetReceived(MySQLPacket(sequenceID: 1, payload: response))
        else {
            return XCTFail("expected an error and close")
        }
        var payload = packets[0].payload
        XCTAssertEqual(try ErrorPacket.decode(from: &payload).code, 3159)
    }

    func testCommandPhaseUnknownCommandKeepsConnectionAndOutOfOrderCloses() {
        var pair = Pair(plugin: .nativePassword, clientPlugin: .nativePassword)
        pair.run()
        XCTAssertTrue(pair.loggedIn)
        guard
            case let .write(packets) = pair.server.packetReceived(
                MySQLPacket(sequenceID: 0, payload: ByteBuffer(bytes: [0x99]))
            )
        else {
            return XCTFail("unknown command should be answered, not closed")
        }
        XCTAssertEqual(packets[0].firstByte, 0xFF)
        XCTAssertEqual(packets[0].sequenceID, 1)
        XCTAssertEqual(
            pair.server.packetReceived(MySQLPacket(sequenceID: 0, payload: ByteBuffer(bytes: [0x0E]))),
            .write([MySQLPacket(sequenceID: 1, payload: ByteBuffer(hex: "00000002000000"))])
        )
        guard
            case .writeAndClose = pair.server.packetReceived(
                MySQLPacket(sequenceID: 4, payload: ByteBuffer(bytes: [0x0E]))
            )
        else {
            return XCTFail("a command with sequence id 4 is out of order")
        }
    }

    func testQueryRoundTripThroughBothMachines() {
        var pair = Pair(plugin: .nativePassword, clientPlugin: .nativePassword)
        pair.run()
        guard case let .write(query) = pair.client.send(.query("SELECT 1")) else { return XCTFail() }
        XCTAssertEqual(pair.server.packetReceived(query[0]), .execute(.query("SELECT 1")))
        let set = ResultSet(columns: [ColumnDefinition41(name: "1", type: .longlong)], rows: [[.text("1")]])
        guard case let .write(packets) = pair.server.commandCompleted(.resultSet(set)) else { return XCTFail() }
        var last: ClientConnectionStateMachine.Action = .none
        for packet in packets { last = pair.client.packetReceived(packet) }
        XCTAssertEqual(last, .commandCompleted(.resultSet(ResultSet(columns: set.columns, rows: [[.text("1")]]))))
    }

    func testPrepareRoundTripWithAndWithoutDeprecateEOF() {
        for deprecateEOF in [true, false] {
            var capabilities = CapabilityFlags.serverDefault
            if !deprecateEOF { capabilities.remove(.deprecateEOF) }
            var pair = Pair(plugin: .nativePassword, clientPlugin: .nativePassword, serverCapabilities: capabilities)
            pair.run()
            XCTAssertTrue(pair.loggedIn)
            XCTAssertEqual(pair.client.deprecateEOF, deprecateEOF)
            for (params, columns) in [(2, 3), (0, 1), (1, 0), (0, 0)] {
                guard case let .write(command) = pair.client.send(.statementPrepare("SELECT ?")) else {
                    return XCTFail()
                }
                _ = pair.server.packetReceived(command[0])
                let statement = PreparedStatement(
                    id: 9,
                    parameters: (0..<params).map { _ in ColumnDefinition41(name: "?", type: .varString) },
                    columns: (0..<columns).map { ColumnDefinition41(name: "c\($0)", type: .longlong) }
                )
                guard case let .write(packets) = pair.server.commandCompleted(.prepared(statement)) else {
                    return XCTFail()
                }
                let actions = packets.map { pair.client.packetReceived($0) }
                XCTAssertEqual(
                    actions.last,
                    .commandCompleted(.prepared(statement)),
                    "deprecateEOF \(deprecateEOF), \(params)/\(columns)"
                )
                XCTAssertTrue(actions.dropLast().allSatisfy { $0 == .none })
            }
        }
    }
}
