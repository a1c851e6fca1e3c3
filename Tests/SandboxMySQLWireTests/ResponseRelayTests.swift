import NIOCore
import SandboxMySQLWire
import XCTest

/// The proxy's relay as a value: a server's response, encoded in the server's EOF style, comes out exactly
/// as the client's style encodes it, for every pairing of CLIENT_DEPRECATE_EOF, and ends where it should.
final class ResponseRelayTests: XCTestCase {
    private let columns = [ColumnDefinition41(name: "id", type: .longlong), ColumnDefinition41(name: "b", type: .blob)]
    private var rows: [[MySQLValue]] {
        [[.text("1"), .bytes([0xFF, 0x00, 0xFE])], [.text("2"), .null], [.text("3"), .bytes([])]]
    }

    private func relay(
        _ response: CommandResponse,
        kind: ResponseRelay.Kind,
        server: Bool,
        client: Bool
    ) throws -> (out: [ByteBuffer], end: ResponseRelay.End?) {
        var relay = ResponseRelay(kind: kind, serverDeprecatesEOF: server, clientDeprecatesEOF: client)
        var out: [ByteBuffer] = []
        var end: ResponseRelay.End?
        for payload in response.payloads(deprecateEOF: server) {
            XCTAssertNil(end, "nothing follows the end")
            switch try relay.packetReceived(payload) {
            case let .forward(packet): out.append(packet)
            case let .forwardWithEOF(packet, eof): out += [packet, eof]
            case .drop: break
            case let .finished(packet, ended):
                out.append(packet)
                end = ended
            }
        }
        return (out, end)
    }

    func testResultSetsComeOutInTheClientsEOFStyle() throws {
        for server in [true, false] {
            for client in [true, false] {
                let label = "server deprecateEOF \(server), client \(client)"
                let text = CommandResponse.resultSet(ResultSet(columns: self.columns, rows: self.rows, warnings: 2))
                XCTAssertEqual(
                    try self.relay(text, kind: .rows, server: server, client: client).out,
                    text.payloads(deprecateEOF: client),
                    label
                )
                // The status that counts is the end's; an EOF after the columns made up for the client says autocommit.
                let inTransaction = CommandResponse.resultSet(
                    ResultSet(columns: self.columns, rows: self.rows, status: .inTransaction)
                )
                let relayed = try self.relay(inTransaction, kind: .rows, server: server, client: client)
                XCTAssertEqual(relayed.out.last, inTransaction.payloads(deprecateEOF: client).last, label)
                XCTAssertEqual(relayed.end, .ok(.inTransaction), label)
                let binary = CommandResponse.binaryResultSet(ResultSet(columns: self.columns, rows: self.rows))
                XCTAssertEqual(
                    try self.relay(binary, kind: .rows, server: server, client: client).out,
                    binary.payloads(deprecateEOF: client),
                    label
                )
                let empty = CommandResponse.resultSet(ResultSet(columns: self.columns, rows: []))
                XCTAssertEqual(
                    try self.relay(empty, kind: .rows, server: server, client: client).out,
                    empty.payloads(deprecateEOF: client),
                    label
                )
            }
        }
    }

    func testOKAndErrorsEndTheResponseAsTheyAre() throws {
        let ok = CommandResponse.ok(
            OKPacket(affectedRows: 3, lastInsertID: 7, status: .inTransaction, info: "Rows matched: 3")
        )
        XCTAssertEqual(
            try self.relay(ok, kind: .rows, server: true, client: false).out,
            ok.payloads(deprecateEOF: false)
        )
        XCTAssertEqual(try self.relay(ok, kind: .simple, server: false, client: true).end, .ok(.inTransaction))
        let error = ErrorPacket(code: 1146, sqlState: "42S02", message: "Table 'app.nope' doesn't exist")
        let relayed = try self.relay(.error(error), kind: .rows, server: true, client: true)
        XCTAssertEqual(relayed.end, .error(error))
        XCTAssertEqual(relayed.out, CommandResponse.error(error).payloads(deprecateEOF: true))
    }

    /// A statement killed mid-result: the rows so far, then the ERR, which ends the response.
    func testAnErrorMidResultEndsIt() throws {
        var relay = ResponseRelay(kind: .rows, serverDeprecatesEOF: true, clientDeprecatesEOF: true)
        let payloads = CommandResponse.resultSet(ResultSet(columns: self.columns, rows: self.rows)).payloads(
            deprecateEOF: true
        )
        for payload in payloads.dropLast(2) { XCTAssertEqual(try relay.packetReceived(payload), .forward(payload)) }
        let killed = ErrorPacket(code: 1317, sqlState: "70100", message: "Query execution was interrupted")
        let packet = ByteBuffer.build { killed.encode(into: &$0) }
        XCTAssertEqual(try relay.packetReceived(packet), .finished(packet, .error(killed)))
    }

    /// A CALL's several results: the end of each but the last carries SERVER_MORE_RESULTS_EXIST.
    func testMultipleResultsRelayUntilTheLast() throws {
        let first = CommandResponse.resultSet(
            ResultSet(columns: self.columns, rows: self.rows, status: [.autocommit, .moreResultsExist])
        )
        let last = CommandResponse.ok(OKPacket(status: .autocommit))
        var relay = ResponseRelay(kind: .rows, serverDeprecatesEOF: false, clientDeprecatesEOF: false)
        let payloads = first.payloads(deprecateEOF: false) + last.payloads(deprecateEOF: false)
        let actions = try payloads.map { try relay.packetReceived($0) }
        XCTAssertEqual(actions.dropLast(), payloads.dropLast().map { .forward($0) })
        XCTAssertEqual(actions.last, .finished(payloads.last!, .ok(.autocommit)))
    }

    /// A 0xFE-headed packet of 16 MB is a row whose first value has an 8-byte length, not the end.
    func testALongRowHeaded0xFEIsNotTheEnd() throws {
        var relay = ResponseRelay(kind: .rows, serverDeprecatesEOF: true, clientDeprecatesEOF: true)
        let column = [ColumnDefinition41(name: "b", type: .longBlob)]
        let payloads = CommandResponse.resultSet(
            ResultSet(columns: column, rows: [[.bytes([UInt8](repeating: 7, count: 0x100_0000))]])
        )
        .payloads(deprecateEOF: true)
        XCTAssertEqual(payloads[2].getInteger(at: payloads[2].readerIndex, as: UInt8.self), 0xFE)
        for payload in payloads.dropLast() { XCTAssertEqual(try relay.packetReceived(payload), .forward(payload)) }
        guard case .finished = try relay.packetReceived(payloads.last!) else { return XCTFail("the OK ends it") }
    }

    /// Found by `make fuzz` (FuzzClientPackets, relaying): an OK-as-EOF whose lengths run past its end trapped
    /// reading the end status (the failed OK decode had moved the reader). It now reads as far as it goes.
    func testATruncatedEndDoesNotTrap() throws {
        var relay = ResponseRelay(kind: .rows, serverDeprecatesEOF: true, clientDeprecatesEOF: false)
        _ = try relay.packetReceived(ByteBuffer(bytes: [0x01]))
        _ = try relay.packetReceived(ByteBuffer.build { ColumnDefinition41(name: "a", type: .long).encode(into: &$0) })
        let truncated = ByteBuffer(bytes: [0xFE, 0x05])  // affected rows 5, then nothing: the OK decode read to the end
        guard case .finished(_, .ok) = try relay.packetReceived(truncated) else {
            return XCTFail("it ends the response")
        }
        XCTAssertEqual(EOFPacket.endStatus(of: ByteBuffer(), deprecateEOF: true).status, [], "even an empty one")
    }

    func testAServerBreakingTheProtocolIsAnError() {
        var relay = ResponseRelay(kind: .rows, serverDeprecatesEOF: false, clientDeprecatesEOF: true)
        XCTAssertThrowsError(try relay.packetReceived(ByteBuffer(bytes: [0xFB, 0x41])), "LOCAL INFILE is not relayed")
        var columns = ResponseRelay(kind: .rows, serverDeprecatesEOF: false, clientDeprecatesEOF: true)
        XCTAssertNoThrow(try columns.packetReceived(ByteBuffer(bytes: [0x01])))
        XCTAssertNoThrow(
            try columns.packetReceived(
                ByteBuffer.build { ColumnDefinition41(name: "a", type: .long).encode(into: &$0) }
            )
        )
        XCTAssertThrowsError(
            try columns.packetReceived(ByteBuffer(bytes: [0x01, 0x31])),
            "a row where the EOF after the columns belongs"
        )
    }

    /// The client machine relays a query's answer and is ready for the next command once it ends.
    func testTheClientMachineRelaysAndIsReadyAfter() {
        var pair = ConnectionStateMachineTests.Pair(plugin: .nativePassword, clientPlugin: .nativePassword)
        pair.run()
        guard case let .write(query) = pair.client.relay(.query("SELECT id, b FROM t"), clientDeprecatesEOF: false)
        else { return XCTFail() }
        XCTAssertEqual(pair.server.packetReceived(query[0]), .execute(.query("SELECT id, b FROM t")))
        guard
            case let .write(packets) = pair.server.commandCompleted(
                .resultSet(ResultSet(columns: self.columns, rows: self.rows))
            )
        else { return XCTFail() }
        let actions = packets.map { pair.client.packetReceived($0) }
        guard case .relayed(.finished(_, .ok(.autocommit))) = actions.last else { return XCTFail("\(actions.last!)") }
        XCTAssertEqual(actions.count, packets.count)
        guard case .write = pair.client.send(.ping) else { return XCTFail("ready for the next command") }
    }
}
