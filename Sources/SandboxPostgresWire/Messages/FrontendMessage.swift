import NIOCore

/// What a PostgreSQL client sends once started: the simple and extended query protocols, and its answers to
/// authentication requests (whose meaning depends on what the server asked: see `PasswordResponse`).
public enum FrontendMessage: Sendable, Equatable {
    /// A Describe's or Close's target (S, P).
    public enum Target: UInt8, Sendable {
        case statement = 83
        case portal = 80
    }

    case query(String)
    case parse(statement: String, query: String, parameterTypes: [Int32])
    /// Parameter values as sent (nil for NULL), in `parameterFormats` (0 text, 1 binary; one for all, or one each).
    case bind(
        portal: String,
        statement: String,
        parameterFormats: [Int16],
        parameters: [[UInt8]?],
        resultFormats: [Int16]
    )
    case describe(Target, name: String)
    case execute(portal: String, maxRows: Int32)
    case close(Target, name: String)
    case sync
    case flush
    case terminate
    /// `p`: a password, a SASL initial response or a SASL response, by what the server asked.
    case authenticationResponse(ByteBuffer)
    /// CopyData, CopyDone, CopyFail, FunctionCall: refused by the sandbox's servers with what to do instead.
    case unsupported(type: UInt8)

    public init(_ frame: PostgresFrame) throws(PostgresProtocolError) {
        var body = frame.body
        let type = frame.type ?? 0
        func string(_ what: String) throws(PostgresProtocolError) -> String {
            guard let value = body.readPostgresString() else {
                throw .malformed("\(Character(Unicode.Scalar(type))) message: \(what) is not terminated")
            }
            return value
        }
        func int16(_ what: String) throws(PostgresProtocolError) -> Int16 {
            guard let value = body.readInteger(as: Int16.self) else {
                throw .truncated("\(Character(Unicode.Scalar(type))) message: \(what)")
            }
            return value
        }
        func int32(_ what: String) throws(PostgresProtocolError) -> Int32 {
            guard let value = body.readInteger(as: Int32.self) else {
                throw .truncated("\(Character(Unicode.Scalar(type))) message: \(what)")
            }
            return value
        }
        func count(_ what: String) throws(PostgresProtocolError) -> Int {
            let value = Int(try int16(what))
            guard value >= 0 else { throw .malformed("\(Character(Unicode.Scalar(type))) message: negative \(what)") }
            return value
        }
        switch type {
        case UInt8(ascii: "Q"): self = .query(try string("the query"))
        case UInt8(ascii: "P"):
            let statement = try string("the statement name")
            let query = try string("the query")
            var types: [Int32] = []
            for _ in 0..<(try count("parameter type count")) { types.append(try int32("a parameter type")) }
            self = .parse(statement: statement, query: query, parameterTypes: types)
        case UInt8(ascii: "B"):
            let portal = try string("the portal name")
            let statement = try string("the statement name")
            var formats: [Int16] = []
            var parameters: [[UInt8]?] = []
            var results: [Int16] = []
            for _ in 0..<(try count("parameter format count")) { formats.append(try int16("a parameter format")) }
            for _ in 0..<(try count("parameter count")) {
                let length = try int32("a parameter length")
                if length == -1 {
                    parameters.append(nil)
                    continue
                }
                guard length >= 0, let bytes = body.readBytes(length: Int(length)) else {
                    throw .truncated("B message: a parameter value")
                }
                parameters.append(bytes)
            }
            for _ in 0..<(try count("result format count")) { results.append(try int16("a result format")) }
            guard formats.count <= 1 || formats.count == parameters.count else {
                throw .malformed("B message: \(formats.count) parameter formats for \(parameters.count) parameters")
            }
            self = .bind(
                portal: portal,
                statement: statement,
                parameterFormats: formats,
                parameters: parameters,
                resultFormats: results
            )
        case UInt8(ascii: "D"), UInt8(ascii: "C"):
            guard let raw = body.readInteger(as: UInt8.self), let target = Target(rawValue: raw) else {
                throw .malformed("\(Character(Unicode.Scalar(type))) message: the target is neither S nor P")
            }
            let name = try string("the name")
            self = type == UInt8(ascii: "D") ? .describe(target, name: name) : .close(target, name: name)
        case UInt8(ascii: "E"):
            self = .execute(portal: try string("the portal name"), maxRows: try int32("the row limit"))
        case UInt8(ascii: "S"): self = .sync
        case UInt8(ascii: "H"): self = .flush
        case UInt8(ascii: "X"): self = .terminate
        case UInt8(ascii: "p"): self = .authenticationResponse(body)
        case UInt8(ascii: "d"), UInt8(ascii: "c"), UInt8(ascii: "f"), UInt8(ascii: "F"): self = .unsupported(type: type)
        default: throw .invalidMessageType(type)
        }
    }
}

/// A `p` message read as what the server asked for.
public enum PasswordResponse {
    /// PasswordMessage: the cleartext password (an IAM token) or `md5…` digest.
    public static func password(_ body: ByteBuffer) throws(PostgresProtocolError) -> String {
        var body = body
        guard let password = body.readPostgresString() else {
            throw .malformed("password message: the password is not terminated")
        }
        return password
    }

    /// SASLInitialResponse: the mechanism chosen and the client-first message.
    public static func saslInitial(
        _ body: ByteBuffer
    ) throws(PostgresProtocolError) -> (mechanism: String, data: [UInt8]) {
        var body = body
        guard let mechanism = body.readPostgresString(), let length = body.readInteger(as: Int32.self) else {
            throw .truncated("SASLInitialResponse")
        }
        guard length >= 0, let data = body.readBytes(length: Int(length)) else {
            throw .malformed("SASLInitialResponse: the response length \(length) is wrong")
        }
        return (mechanism, data)
    }
}

extension FrontendMessage {
    /// The type byte.
    public var type: UInt8 {
        switch self {
        case .query: UInt8(ascii: "Q")
        case .parse: UInt8(ascii: "P")
        case .bind: UInt8(ascii: "B")
        case .describe: UInt8(ascii: "D")
        case .execute: UInt8(ascii: "E")
        case .close: UInt8(ascii: "C")
        case .sync: UInt8(ascii: "S")
        case .flush: UInt8(ascii: "H")
        case .terminate: UInt8(ascii: "X")
        case .authenticationResponse: UInt8(ascii: "p")
        case let .unsupported(type): type
        }
    }

    /// Appends the whole message (type, length, body) to `out`, as a client sends it.
    public func write(into out: inout ByteBuffer) {
        var body = ByteBuffer()
        switch self {
        case let .query(text): body.writePostgresString(text)
        case let .parse(statement, query, types):
            body.writePostgresString(statement)
            body.writePostgresString(query)
            body.writeInteger(Int16(types.count))
            for type in types { body.writeInteger(type) }
        case let .bind(portal, statement, formats, parameters, results):
            body.writePostgresString(portal)
            body.writePostgresString(statement)
            body.writeInteger(Int16(formats.count))
            for format in formats { body.writeInteger(format) }
            body.writeInteger(Int16(parameters.count))
            for parameter in parameters {
                if let parameter {
                    body.writeInteger(Int32(parameter.count))
                    body.writeBytes(parameter)
                } else {
                    body.writeInteger(Int32(-1))
                }
            }
            body.writeInteger(Int16(results.count))
            for format in results { body.writeInteger(format) }
        case let .describe(target, name), let .close(target, name):
            body.writeInteger(target.rawValue)
            body.writePostgresString(name)
        case let .execute(portal, maxRows):
            body.writePostgresString(portal)
            body.writeInteger(maxRows)
        case let .authenticationResponse(data): body.writeImmutableBuffer(data)
        case .sync, .flush, .terminate, .unsupported: break
        }
        PostgresMessageFramer.write(type: self.type, body: body, into: &out)
    }
}
