/// Something about the bytes a PostgreSQL peer sent that makes them impossible to understand. Each says what was
/// wrong; the server answers it with an ErrorResponse of SQLSTATE 08P01 (protocol_violation) and closes.
public enum PostgresProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    case messageTooLarge(size: Int, limit: Int)
    case badLength(Int)
    case truncated(String)
    case malformed(String)
    case unexpectedMessage(String)
    /// A type byte the protocol does not define (PostgreSQL's words: "invalid frontend message type 120").
    case invalidMessageType(UInt8)

    public var description: String {
        switch self {
        case let .messageTooLarge(size, limit):
            "message of \(size) bytes is larger than the limit (\(limit)); send smaller statements"
        case let .badLength(length): "invalid message length \(length)"
        case let .truncated(what): "truncated \(what)"
        case let .malformed(what): "malformed \(what)"
        case let .unexpectedMessage(what): "unexpected message: \(what)"
        case let .invalidMessageType(type): "invalid frontend message type \(type)"
        }
    }
}
