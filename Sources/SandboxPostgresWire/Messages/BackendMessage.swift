import NIOCore

/// What a PostgreSQL server sends, encoded as the protocol (v3) frames it.
public enum BackendMessage: Sendable, Equatable {
    public enum Authentication: Sendable, Equatable {
        case ok
        case cleartextPassword
        case md5Password(salt: [UInt8])
        case sasl(mechanisms: [String])
        case saslContinue(data: [UInt8])
        case saslFinal(data: [UInt8])
    }

    /// The transaction status ReadyForQuery reports (I, T, E).
    public enum TransactionStatus: UInt8, Sendable {
        case idle = 73
        case inTransaction = 84
        case failed = 69
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        public var tableOID: Int32 = 0
        public var attributeNumber: Int16 = 0
        public var typeOID: Int32
        public var typeSize: Int16
        public var typeModifier: Int32 = -1
        /// 0 text, 1 binary.
        public var format: Int16 = 0

        public init(name: String, typeOID: Int32, typeSize: Int16, format: Int16 = 0) {
            (self.name, self.typeOID, self.typeSize, self.format) = (name, typeOID, typeSize, format)
        }
    }

    case authentication(Authentication)
    case parameterStatus(name: String, value: String)
    case backendKeyData(processID: Int32, secretKey: Int32)
    case readyForQuery(TransactionStatus)
    case error(PostgresError)
    case notice(PostgresError)
    case rowDescription([Column])
    /// Each value as sent (text or binary), nil for NULL.
    case dataRow([[UInt8]?])
    case commandComplete(tag: String)
    case emptyQueryResponse
    case parseComplete, bindComplete, closeComplete, noData, portalSuspended
    case parameterDescription(typeOIDs: [Int32])

    /// The type byte.
    public var type: UInt8 {
        switch self {
        case .authentication: UInt8(ascii: "R")
        case .parameterStatus: UInt8(ascii: "S")
        case .backendKeyData: UInt8(ascii: "K")
        case .readyForQuery: UInt8(ascii: "Z")
        case .error: UInt8(ascii: "E")
        case .notice: UInt8(ascii: "N")
        case .rowDescription: UInt8(ascii: "T")
        case .dataRow: UInt8(ascii: "D")
        case .commandComplete: UInt8(ascii: "C")
        case .emptyQueryResponse: UInt8(ascii: "I")
        case .parseComplete: UInt8(ascii: "1")
        case .bindComplete: UInt8(ascii: "2")
        case .closeComplete: UInt8(ascii: "3")
        case .noData: UInt8(ascii: "n")
        case .portalSuspended: UInt8(ascii: "s")
        case .parameterDescription: UInt8(ascii: "t")
        }
    }

    /// Appends the whole message (type, length, body) to `out`.
    public func write(into out: inout ByteBuffer) {
        var body = ByteBuffer()
        switch self {
        case let .authentication(authentication):
            switch authentication {
            case .ok: body.writeInteger(Int32(0))
            case .cleartextPassword: body.writeInteger(Int32(3))
            case let .md5Password(salt):
                body.writeInteger(Int32(5))
                body.writeBytes(salt)
            case let .sasl(mechanisms):
                body.writeInteger(Int32(10))
                for mechanism in mechanisms { body.writePostgresString(mechanism) }
                body.writeInteger(UInt8(0))
            case let .saslContinue(data):
                body.writeInteger(Int32(11))
                body.writeBytes(data)
            case let .saslFinal(data):
                body.writeInteger(Int32(12))
                body.writeBytes(data)
            }
        case let .parameterStatus(name, value):
            body.writePostgresString(name)
            body.writePostgresString(value)
        case let .backendKeyData(process, secret): body.writeMultipleIntegers(process, secret)
        case let .readyForQuery(status): body.writeInteger(status.rawValue)
        case let .error(error), let .notice(error): error.writeFields(into: &body)
        case let .rowDescription(columns):
            body.writeInteger(Int16(columns.count))
            for column in columns {
                body.writePostgresString(column.name)
                body.writeMultipleIntegers(
                    column.tableOID,
                    column.attributeNumber,
                    column.typeOID,
                    column.typeSize,
                    column.typeModifier,
                    column.format
                )
            }
        case let .dataRow(values):
            body.writeInteger(Int16(values.count))
            for value in values {
                if let value {
                    body.writeInteger(Int32(value.count))
                    body.writeBytes(value)
                } else {
                    body.writeInteger(Int32(-1))
                }
            }
        case let .commandComplete(tag): body.writePostgresString(tag)
        case let .parameterDescription(types):
            body.writeInteger(Int16(types.count))
            for type in types { body.writeInteger(type) }
        case .emptyQueryResponse, .parseComplete, .bindComplete, .closeComplete, .noData, .portalSuspended: break
        }
        PostgresMessageFramer.write(type: self.type, body: body, into: &out)
    }
}

extension BackendMessage {
    /// Reads a server's message, as a client (or a proxy's target connection) receives it.
    public init(_ frame: PostgresFrame) throws(PostgresProtocolError) {
        var body = frame.body
        let type = frame.type ?? 0
        let name = String(UnicodeScalar(type))
        func int32() throws(PostgresProtocolError) -> Int32 {
            guard let value = body.readInteger(as: Int32.self) else { throw .truncated("\(name) message") }
            return value
        }
        func int16() throws(PostgresProtocolError) -> Int16 {
            guard let value = body.readInteger(as: Int16.self) else { throw .truncated("\(name) message") }
            return value
        }
        func string() throws(PostgresProtocolError) -> String {
            guard let value = body.readPostgresString() else {
                throw .malformed("\(name) message: a string is not terminated")
            }
            return value
        }
        func rest() -> [UInt8] { body.readBytes(length: body.readableBytes) ?? [] }
        switch type {
        case UInt8(ascii: "R"):
            switch try int32() {
            case 0: self = .authentication(.ok)
            case 3: self = .authentication(.cleartextPassword)
            case 5: self = .authentication(.md5Password(salt: rest()))
            case 10:
                var mechanisms: [String] = []
                while let mechanism = body.readPostgresString(), !mechanism.isEmpty { mechanisms.append(mechanism) }
                self = .authentication(.sasl(mechanisms: mechanisms))
            case 11: self = .authentication(.saslContinue(data: rest()))
            case 12: self = .authentication(.saslFinal(data: rest()))
            case let code:
                throw .unexpectedMessage(
                    "authentication request \(code) (only cleartext, MD5 and SCRAM-SHA-256 are supported)"
                )
            }
        case UInt8(ascii: "S"): self = .parameterStatus(name: try string(), value: try string())
        case UInt8(ascii: "K"): self = .backendKeyData(processID: try int32(), secretKey: try int32())
        case UInt8(ascii: "Z"):
            guard let raw = body.readInteger(as: UInt8.self), let status = TransactionStatus(rawValue: raw) else {
                throw .malformed("ReadyForQuery status")
            }
            self = .readyForQuery(status)
        case UInt8(ascii: "E"): self = .error(try PostgresError(parsingFields: body))
        case UInt8(ascii: "N"): self = .notice(try PostgresError(parsingFields: body))
        case UInt8(ascii: "T"):
            var columns: [Column] = []
            for _ in 0..<max(0, Int(try int16())) {
                let columnName = try string()
                let (table, attribute, oid, size, modifier, format) = (
                    try int32(), try int16(), try int32(), try int16(), try int32(), try int16()
                )
                var column = Column(name: columnName, typeOID: oid, typeSize: size, format: format)
                (column.tableOID, column.attributeNumber, column.typeModifier) = (table, attribute, modifier)
                columns.append(column)
            }
            self = .rowDescription(columns)
        case UInt8(ascii: "D"):
            var values: [[UInt8]?] = []
            for _ in 0..<max(0, Int(try int16())) {
                let length = try int32()
                if length < 0 {
                    values.append(nil)
                    continue
                }
                guard let value = body.readBytes(length: Int(length)) else { throw .truncated("DataRow value") }
                values.append(value)
            }
            self = .dataRow(values)
        case UInt8(ascii: "C"): self = .commandComplete(tag: try string())
        case UInt8(ascii: "I"): self = .emptyQueryResponse
        case UInt8(ascii: "1"): self = .parseComplete
        case UInt8(ascii: "2"): self = .bindComplete
        case UInt8(ascii: "3"): self = .closeComplete
        case UInt8(ascii: "n"): self = .noData
        case UInt8(ascii: "s"): self = .portalSuspended
        case UInt8(ascii: "t"):
            var types: [Int32] = []
            for _ in 0..<max(0, Int(try int16())) { types.append(try int32()) }
            self = .parameterDescription(typeOIDs: types)
        default: throw .unexpectedMessage("server message type \(type)")
        }
    }
}
