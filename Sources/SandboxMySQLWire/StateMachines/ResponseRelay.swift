import NIOCore

/// Forwards one command's response from a server to a client packet by packet, parsing only what it must:
/// where the response ends, the status flags it ends with, and the EOF markers that differ when one side
/// negotiated CLIENT_DEPRECATE_EOF and the other did not. Rows and column definitions pass untouched. No I/O.
public struct ResponseRelay: Sendable {
    /// Whether the command can answer with rows (COM_QUERY, COM_STMT_EXECUTE) or only OK/ERR.
    public enum Kind: Sendable { case rows, simple }

    /// How a relayed response ended.
    public enum End: Sendable, Equatable {
        /// An OK, or a result set's end, with the server's status flags.
        case ok(ServerStatus)
        case error(ErrorPacket)
    }

    public enum Action: Equatable {
        case forward(ByteBuffer)
        /// The last column definition, then the EOF this client expects and the server did not send.
        case forwardWithEOF(ByteBuffer, ByteBuffer)
        /// The server's EOF after the column definitions, which this client does not expect.
        case drop
        /// The last packet of the response (rewritten if the EOF styles differ).
        case finished(ByteBuffer, End)
    }

    enum Phase: Sendable {
        case first
        case columns(remaining: Int)
        case columnsEOF, rows
    }

    public let kind: Kind
    public let serverDeprecatesEOF: Bool
    public let clientDeprecatesEOF: Bool
    private var phase = Phase.first

    public init(kind: Kind, serverDeprecatesEOF: Bool, clientDeprecatesEOF: Bool) {
        self.kind = kind
        self.serverDeprecatesEOF = serverDeprecatesEOF
        self.clientDeprecatesEOF = clientDeprecatesEOF
    }

    /// One packet of the server's response; throws when the server breaks the protocol.
    public mutating func packetReceived(_ payload: ByteBuffer) throws(MySQLProtocolError) -> Action {
        let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        // No column count, column definition (lenenc "def") or row (lenenc value, or 0x00) starts with 0xFF.
        if first == 0xFF {
            var copy = payload
            return .finished(payload, .error((try? ErrorPacket.decode(from: &copy)) ?? .malformedPacket("bad ERR")))
        }
        switch self.phase {
        case .first:
            if first == 0x00 || self.kind == .simple {
                var copy = payload
                let ok = try OKPacket.decode(from: &copy)
                return self.ended(payload, status: ok.status)
            }
            var copy = payload
            // MySQL's tables hold at most 4,096 columns; 0xFB (LOCAL INFILE) is not relayed.
            guard first != 0xFB, let count = copy.readLengthEncodedInteger(), count > 0, count <= 4_096 else {
                throw .malformed("column count")
            }
            self.phase = .columns(remaining: Int(count))
            return .forward(payload)
        case let .columns(remaining) where remaining > 1:
            self.phase = .columns(remaining: remaining - 1)
            return .forward(payload)
        case .columns:
            guard self.serverDeprecatesEOF else {
                self.phase = .columnsEOF
                return .forward(payload)
            }
            self.phase = .rows
            if self.clientDeprecatesEOF { return .forward(payload) }
            return .forwardWithEOF(payload, .build { EOFPacket(status: .autocommit).encode(into: &$0) })
        case .columnsEOF:
            guard EOFPacket.isEOF(payload) else { throw .unexpectedPacket("missing EOF after columns") }
            self.phase = .rows
            return self.clientDeprecatesEOF ? .drop : .forward(payload)
        case .rows:
            guard EOFPacket.isEOF(payload) else { return .forward(payload) }
            let end = EOFPacket.endStatus(of: payload, deprecateEOF: self.serverDeprecatesEOF)
            guard self.serverDeprecatesEOF != self.clientDeprecatesEOF else {
                return self.ended(payload, status: end.status)
            }
            let rewritten = ByteBuffer.build {
                if self.clientDeprecatesEOF {
                    OKPacket(status: end.status, warnings: end.warnings).encode(into: &$0, asEOF: true)
                } else {
                    EOFPacket(warnings: end.warnings, status: end.status).encode(into: &$0)
                }
            }
            return self.ended(rewritten, status: end.status)
        }
    }

    /// An OK or a result set's end: the response is over unless the server says more results follow.
    private mutating func ended(_ payload: ByteBuffer, status: ServerStatus) -> Action {
        self.phase = .first
        return status.contains(.moreResultsExist) ? .forward(payload) : .finished(payload, .ok(status))
    }
}
