import NIOCore

/// The fields of an ErrorResponse or NoticeResponse: severity, SQLSTATE, message, and the optional detail and hint,
/// as PostgreSQL and RDS Proxy send them.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error = "ERROR"
        case fatal = "FATAL"
        case panic = "PANIC"
        case warning = "WARNING"
        case notice = "NOTICE"
        case info = "INFO"
        case log = "LOG"
    }

    public var severity: Severity
    /// Five characters: `28P01` (invalid_password), `08P01` (protocol_violation), `53300` (too_many_connections), ...
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(_ severity: Severity, _ sqlState: String, _ message: String, detail: String? = nil, hint: String? = nil)
    {
        (self.severity, self.sqlState, self.message, self.detail, self.hint) = (
            severity, sqlState, message, detail, hint
        )
    }

    public var description: String { "\(self.severity.rawValue): \(self.message) (SQLSTATE \(self.sqlState))" }

    /// The fields as written in the message body: `S`, `V`, `C`, `M`, then `D` and `H` when present, then a NUL.
    public func writeFields(into out: inout ByteBuffer) {
        for (code, value) in [
            ("S", self.severity.rawValue), ("V", self.severity.rawValue), ("C", self.sqlState), ("M", self.message),
            ("D", self.detail), ("H", self.hint),
        ] {
            guard let value else { continue }
            out.writeInteger(UInt8(ascii: code.unicodeScalars.first!))
            out.writePostgresString(value)
        }
        out.writeInteger(UInt8(0))
    }

    /// Reads the fields of an ErrorResponse or NoticeResponse body; fields it does not keep are skipped.
    public init(parsingFields body: ByteBuffer) throws(PostgresProtocolError) {
        var body = body
        var fields: [UInt8: String] = [:]
        while true {
            guard let code = body.readInteger(as: UInt8.self) else { throw .truncated("ErrorResponse") }
            if code == 0 { break }
            guard let value = body.readPostgresString() else {
                throw .malformed("ErrorResponse: a field is not terminated")
            }
            fields[code] = value
        }
        let severity =
            (fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")]).flatMap(Severity.init(rawValue:)) ?? .error
        self.init(
            severity,
            fields[UInt8(ascii: "C")] ?? "XX000",
            fields[UInt8(ascii: "M")] ?? "",
            detail: fields[UInt8(ascii: "D")],
            hint: fields[UInt8(ascii: "H")]
        )
    }
}
