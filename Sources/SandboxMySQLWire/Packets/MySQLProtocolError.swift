/// Something about the bytes a peer sent that makes them impossible to understand.
public enum MySQLProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    case packetTooLarge(size: Int, limit: Int)
    case outOfSequence(expected: UInt8, received: UInt8)
    case truncated(String)
    case malformed(String)
    case unexpectedPacket(String)

    public var description: String {
        switch self {
        case let .packetTooLarge(size, limit):
            "packet of \(size) bytes is larger than max_allowed_packet (\(limit)); send smaller statements or "
                + "raise the limit"
        case let .outOfSequence(expected, received):
            "packet out of order: expected sequence id \(expected), received \(received)"
        case let .truncated(what): "truncated \(what)"
        case let .malformed(what): "malformed \(what)"
        case let .unexpectedPacket(what): "unexpected packet: \(what)"
        }
    }
}
