import NIOCore

/// The untyped message a client opens a connection with (or sends first on a new one, to cancel).
public enum OpeningMessage: Sendable, Equatable {
    /// StartupMessage, protocol 3.`minor`: its parameters in order (`user`, `database`, `options`, ...).
    case startup(minor: UInt16, parameters: [(String, String)])
    /// SSLRequest: the server answers one byte, `S` (TLS follows) or `N`.
    case sslRequest
    /// GSSENCRequest: refused with `N`, as a server without GSSAPI does.
    case gssEncryptionRequest
    /// CancelRequest: cancel what the connection of `processID` runs, if `secretKey` is its BackendKeyData's.
    case cancel(processID: Int32, secretKey: Int32)

    public static let sslRequestCode: Int32 = 80_877_103
    public static let gssEncryptionRequestCode: Int32 = 80_877_104
    public static let cancelRequestCode: Int32 = 80_877_102

    /// Parses an untyped frame's body. A protocol other than 3.x is `unsupportedVersion`, for the caller to refuse in
    /// its own words (RDS Proxy: "supports only version 3.0").
    public init(parsing body: ByteBuffer) throws(OpeningMessageError) {
        var body = body
        guard let code = body.readInteger(as: Int32.self) else {
            throw .protocolViolation(.truncated("startup packet"))
        }
        switch code {
        case Self.sslRequestCode: self = .sslRequest
        case Self.gssEncryptionRequestCode: self = .gssEncryptionRequest
        case Self.cancelRequestCode:
            guard let process = body.readInteger(as: Int32.self), let secret = body.readInteger(as: Int32.self) else {
                throw .protocolViolation(.truncated("CancelRequest"))
            }
            self = .cancel(processID: process, secretKey: secret)
        default:
            let major = UInt16(truncatingIfNeeded: code >> 16)
            let minor = UInt16(truncatingIfNeeded: code)
            guard major == 3 else { throw .unsupportedVersion(major: major, minor: minor) }
            var parameters: [(String, String)] = []
            while true {
                guard let name = body.readPostgresString() else {
                    throw .protocolViolation(.malformed("startup packet: a parameter name is not terminated"))
                }
                if name.isEmpty { break }
                guard let value = body.readPostgresString() else {
                    throw .protocolViolation(.malformed("startup packet: the value of \(name) is not terminated"))
                }
                parameters.append((name, value))
            }
            self = .startup(minor: minor, parameters: parameters)
        }
    }

    /// The message's body, as a client writes it (untyped: no type byte).
    public func body() -> ByteBuffer {
        var out = ByteBuffer()
        switch self {
        case .sslRequest: out.writeInteger(Self.sslRequestCode)
        case .gssEncryptionRequest: out.writeInteger(Self.gssEncryptionRequestCode)
        case let .cancel(process, secret): out.writeMultipleIntegers(Self.cancelRequestCode, process, secret)
        case let .startup(minor, parameters):
            out.writeInteger(Int32(3) << 16 | Int32(minor))
            for (name, value) in parameters {
                out.writePostgresString(name)
                out.writePostgresString(value)
            }
            out.writeInteger(UInt8(0))
        }
        return out
    }

    public static func == (lhs: OpeningMessage, rhs: OpeningMessage) -> Bool {
        switch (lhs, rhs) {
        case (.sslRequest, .sslRequest), (.gssEncryptionRequest, .gssEncryptionRequest): true
        case let (.cancel(a, b), .cancel(c, d)): a == c && b == d
        case let (.startup(a, p), .startup(b, q)): a == b && p.map { [$0.0, $0.1] } == q.map { [$0.0, $0.1] }
        default: false
        }
    }
}

/// Why an opening message is refused.
public enum OpeningMessageError: Error, Equatable, Sendable {
    case unsupportedVersion(major: UInt16, minor: UInt16)
    case protocolViolation(PostgresProtocolError)
}
