import NIOCore
import SandboxPostgresWire
import XCTest

/// The server's connection state machine without sockets: the opening messages, each way to authenticate, and the
/// simple and extended query protocols with their errors.
final class ServerStateMachineTests: XCTestCase {
    private let parameters = [("server_version", "15.8"), ("client_encoding", "UTF8")]

    private func machine(tls: Bool = true) -> PostgresServerStateMachine {
        PostgresServerStateMachine(configuration: .init(tlsAvailable: tls, processID: 7, secretKey: 99))
    }

    private func opening(_ message: OpeningMessage) -> PostgresFrame { PostgresFrame(type: nil, body: message.body()) }

    private func frame(_ message: FrontendMessage) throws -> PostgresFrame {
        var bytes = ByteBuffer()
        message.write(into: &bytes)
        var framer = PostgresMessageFramer(untyped: false)
        return try XCTUnwrap(try framer.nextFrame(from: &bytes))
    }

    private func password(_ text: String) throws -> PostgresFrame {
        var body = ByteBuffer()
        body.writePostgresString(text)
        return try self.frame(.authenticationResponse(body))
    }

    private func startup(
        _ machine: inout PostgresServerStateMachine,
        user: String = "app"
    ) -> PostgresServerStateMachine.Startup? {
        guard
            case let .askAuthMethod(startup) = machine.frameReceived(
                self.opening(.startup(minor: 0, parameters: [("user", user), ("database", "items")]))
            )
        else {
            return nil
        }
        return startup
    }

    /// SASLInitialResponse choosing SCRAM-SHA-256 with `client`'s first message.
    private static func saslInitial(_ client: SCRAMClientExchange) -> ByteBuffer {
        var initial = ByteBuffer()
        initial.writePostgresString("SCRAM-SHA-256")
        initial.writeInteger(Int32(client.clientFirst.count))
        initial.writeBytes(client.clientFirst)
        return initial
    }

    private func serverFirst(_ action: PostgresServerStateMachine.Action) throws -> [UInt8] {
        guard case let .write(messages) = action, messages.count == 1,
            case let .authentication(.saslContinue(data))? = messages.first
        else {
            throw XCTSkip("no server-first message: \(action)")
        }
        return data
    }

    /// Logs in with trust and returns the machine idle.
    private func loggedIn() throws -> PostgresServerStateMachine {
        var machine = self.machine()
        let startup = try XCTUnwrap(self.startup(&machine))
        XCTAssertEqual(machine.authMethodDetermined(.success(.trust)), .verify(startup, .trusted))
        guard case .authenticated = machine.verdictReceived(.accepted(parameters: self.parameters)) else {
            throw XCTSkip("not logged in")
        }
        return machine
    }

    func testTLSThenSCRAMLogsInAndReportsTheSessionsParameters() throws {
        var machine = self.machine()
        XCTAssertTrue(machine.expectsUntypedMessage)
        XCTAssertEqual(machine.frameReceived(self.opening(.sslRequest)), .startTLS)
        XCTAssertFalse(machine.isReadyForFrame, "nothing is read until TLS is up")
        XCTAssertEqual(machine.tlsEstablished(), .none)
        let startup = try XCTUnwrap(self.startup(&machine))
        XCTAssertEqual(
            startup,
            .init(user: "app", database: "items", parameters: ["user": "app", "database": "items"], isTLS: true)
        )
        let verifier = SCRAMSHA256Verifier(password: "s3cret", salt: Array("0123456789abcdef".utf8))
        XCTAssertEqual(
            machine.authMethodDetermined(.success(.scram(verifier, serverNonce: "SERVERNONCE"))),
            .write([.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))])
        )
        XCTAssertFalse(machine.expectsUntypedMessage)
        var client = SCRAMClientExchange(password: "s3cret", clientNonce: "CLIENTNONCE")
        let serverFirst = try self.serverFirst(
            machine.frameReceived(try self.frame(.authenticationResponse(Self.saslInitial(client))))
        )
        let clientFinal = try client.receiveServerFirst(serverFirst)
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.authenticationResponse(ByteBuffer(bytes: clientFinal)))),
            .verify(startup, .scram(nil))
        )
        let verdict = machine.verdictReceived(.accepted(parameters: self.parameters))
        guard
            case let .authenticated(session, messages) = verdict,
            case let .authentication(.saslFinal(serverFinal)) = messages.first
        else { return XCTFail("not logged in") }
        XCTAssertTrue(client.verifyServerFinal(serverFinal), "the server proves it holds the verifier")
        XCTAssertEqual(session, startup)
        XCTAssertEqual(
            Array(messages.dropFirst()),
            [
                .authentication(.ok), .parameterStatus(name: "server_version", value: "15.8"),
                .parameterStatus(name: "client_encoding", value: "UTF8"),
                .backendKeyData(processID: 7, secretKey: 99), .readyForQuery(.idle),
            ]
        )
    }

    func testAWrongSCRAMPasswordAndAnUnknownUserFailTheSameWay() throws {
        for verifier in [SCRAMSHA256Verifier(password: "right", salt: Array("salt".utf8)), nil] {
            var machine = self.machine()
            let startup = try XCTUnwrap(self.startup(&machine))
            _ = machine.authMethodDetermined(.success(.scram(verifier, serverNonce: "N1")))
            var client = SCRAMClientExchange(password: "wrong", clientNonce: "C1")
            let serverFirst = try self.serverFirst(
                machine.frameReceived(try self.frame(.authenticationResponse(Self.saslInitial(client))))
            )
            let final = try client.receiveServerFirst(serverFirst)
            XCTAssertEqual(
                machine.frameReceived(try self.frame(.authenticationResponse(ByteBuffer(bytes: final)))),
                .verify(startup, .scram(.wrongProof))
            )
            let refusal = PostgresError(.fatal, "28P01", "password authentication failed for user \"app\"")
            XCTAssertEqual(machine.verdictReceived(.rejected(refusal)), .writeAndClose([.error(refusal)]))
        }
    }

    func testMD5AndCleartextHandTheDelegateWhatTheClientSent() throws {
        var machine = self.machine()
        let startup = try XCTUnwrap(self.startup(&machine))
        XCTAssertEqual(
            machine.authMethodDetermined(.success(.md5(salt: [1, 2, 3, 4]))),
            .write([.authentication(.md5Password(salt: [1, 2, 3, 4]))])
        )
        let answer = MD5Password.response(user: "app", password: "pw", salt: [1, 2, 3, 4])
        XCTAssertEqual(
            machine.frameReceived(try self.password(answer)),
            .verify(startup, .md5(response: answer, salt: [1, 2, 3, 4]))
        )

        var plain = self.machine()
        let plainStartup = try XCTUnwrap(self.startup(&plain))
        XCTAssertEqual(plain.authMethodDetermined(.success(.cleartext)), .write([.authentication(.cleartextPassword)]))
        XCTAssertEqual(plain.frameReceived(try self.password("token")), .verify(plainStartup, .password("token")))
    }

    func testOpeningRefusalsInPostgreSQLsWords() throws {
        var machine = self.machine(tls: false)
        XCTAssertEqual(
            machine.frameReceived(self.opening(.sslRequest)),
            .refuseEncryption,
            "no TLS: N, and the client may go on"
        )
        XCTAssertEqual(machine.frameReceived(self.opening(.gssEncryptionRequest)), .refuseEncryption)
        XCTAssertEqual(
            machine.frameReceived(self.opening(.startup(minor: 0, parameters: [("database", "items")]))),
            .writeAndClose([
                .error(PostgresError(.fatal, "28000", "no PostgreSQL user name specified in startup packet"))
            ])
        )

        var old = self.machine()
        var version2 = ByteBuffer()
        version2.writeInteger(Int32(2 << 16))
        XCTAssertEqual(
            old.frameReceived(PostgresFrame(type: nil, body: version2)),
            .writeAndClose([
                .error(PostgresError(.fatal, "0A000", "unsupported frontend protocol 2.0: server supports 3.0 to 3.0"))
            ])
        )

        var cancel = self.machine()
        XCTAssertEqual(
            cancel.frameReceived(self.opening(.cancel(processID: 7, secretKey: 99))),
            .cancel(processID: 7, secretKey: 99)
        )

        var worded = PostgresServerStateMachine(
            configuration: .init(
                tlsAvailable: true,
                processID: 1,
                secretKey: 1,
                unsupportedVersion: { _, _ in
                    PostgresError(
                        .fatal,
                        "08P01",
                        "Feature not supported: RDS Proxy supports only version 3.0 of the PostgreSQL messaging "
                            + "protocol."
                    )
                }
            )
        )
        guard case let .writeAndClose(messages) = worded.frameReceived(PostgresFrame(type: nil, body: version2)),
            case let .error(error)? = messages.first
        else { return XCTFail("not refused") }
        XCTAssertTrue(error.message.hasPrefix("Feature not supported: RDS Proxy"))
    }

    func testSimpleQueryEndsWithReadyForQueryAndAnUnknownMessageTypeCloses() throws {
        var machine = try self.loggedIn()
        XCTAssertEqual(machine.frameReceived(try self.frame(.query("BEGIN"))), .execute(.simpleQuery("BEGIN")))
        XCTAssertFalse(machine.isReadyForFrame)
        XCTAssertEqual(
            machine.commandCompleted(.completed([.commandComplete(tag: "BEGIN")], .inTransaction)),
            .write([.commandComplete(tag: "BEGIN"), .readyForQuery(.inTransaction)])
        )
        _ = machine.frameReceived(try self.frame(.query("SELECT nope")))
        let error = PostgresError(.error, "42703", "column \"nope\" does not exist")
        XCTAssertEqual(
            machine.commandCompleted(.failed(error, .failed)),
            .write([.error(error), .readyForQuery(.failed)])
        )
        XCTAssertEqual(
            machine.frameReceived(PostgresFrame(type: UInt8(ascii: "x"), body: ByteBuffer())),
            .writeAndClose([.error(PostgresError(.fatal, "08P01", "invalid frontend message type 120"))])
        )
        XCTAssertEqual(machine.frameReceived(try self.frame(.sync)), .none, "closed")
    }

    func testExtendedProtocolKeepsStatementsAndPortalsAndSkipsToSyncAfterAnError() throws {
        var machine = try self.loggedIn()
        let columns = [BackendMessage.Column(name: "id", typeOID: 23, typeSize: 4)]
        XCTAssertEqual(
            machine.frameReceived(
                try self.frame(.parse(statement: "s1", query: "SELECT id FROM t WHERE id = $1", parameterTypes: []))
            ),
            .execute(.parse(query: "SELECT id FROM t WHERE id = $1", parameterTypes: []))
        )
        XCTAssertEqual(
            machine.commandCompleted(.parsed(.init(parameterTypes: [23], columns: columns))),
            .write([.parseComplete])
        )
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.describe(.statement, name: "s1"))),
            .write([.parameterDescription(typeOIDs: [23]), .rowDescription(columns)])
        )
        XCTAssertEqual(
            machine.frameReceived(
                try self.frame(
                    .bind(
                        portal: "",
                        statement: "s1",
                        parameterFormats: [0],
                        parameters: [Array("5".utf8)],
                        resultFormats: [1]
                    )
                )
            ),
            .write([.bindComplete])
        )
        var binary = columns
        binary[0].format = 1
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.describe(.portal, name: ""))),
            .write([.rowDescription(binary)])
        )
        let execution = PostgresServerStateMachine.Execution(
            query: "SELECT id FROM t WHERE id = $1",
            parameterTypes: [23],
            parameters: [Array("5".utf8)],
            parameterFormats: [0],
            columns: binary,
            maxRows: 0
        )
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.execute(portal: "", maxRows: 0))),
            .execute(.execute(execution))
        )
        XCTAssertEqual(
            machine.commandCompleted(
                .completed([.dataRow([[0, 0, 0, 5]]), .commandComplete(tag: "SELECT 1")], .idle)
            ),
            .write([.dataRow([[0, 0, 0, 5]]), .commandComplete(tag: "SELECT 1")])
        )
        XCTAssertEqual(machine.frameReceived(try self.frame(.sync)), .write([.readyForQuery(.idle)]))

        // A Bind with the wrong count is refused before the delegate sees it; the rest up to Sync is skipped.
        XCTAssertEqual(
            machine.frameReceived(
                try self.frame(
                    .bind(portal: "", statement: "s1", parameterFormats: [], parameters: [], resultFormats: [])
                )
            ),
            .write([
                .error(
                    PostgresError(
                        .error,
                        "08P01",
                        "bind message supplies 0 parameters, but prepared statement \"s1\" requires 1"
                    )
                )
            ])
        )
        XCTAssertEqual(machine.frameReceived(try self.frame(.execute(portal: "", maxRows: 0))), .none)
        XCTAssertEqual(machine.frameReceived(try self.frame(.sync)), .write([.readyForQuery(.idle)]))
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.parse(statement: "s1", query: "SELECT 1", parameterTypes: []))),
            .write([.error(PostgresError(.error, "42P05", "prepared statement \"s1\" already exists"))])
        )
        XCTAssertEqual(machine.frameReceived(try self.frame(.sync)), .write([.readyForQuery(.idle)]))
        XCTAssertEqual(machine.frameReceived(try self.frame(.close(.statement, name: "s1"))), .write([.closeComplete]))
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.describe(.statement, name: "s1"))),
            .write([.error(PostgresError(.error, "26000", "prepared statement \"s1\" does not exist"))])
        )
        XCTAssertEqual(machine.frameReceived(try self.frame(.sync)), .write([.readyForQuery(.idle)]))
        XCTAssertEqual(
            machine.frameReceived(try self.frame(.execute(portal: "gone", maxRows: 0))),
            .write([.error(PostgresError(.error, "34000", "portal \"gone\" does not exist"))])
        )
        XCTAssertEqual(machine.frameReceived(try self.frame(.terminate)), .close)
    }
}
