/// The text of a COM_QUERY as the client sent it: bytes, which need not be UTF-8 (a `_binary'…'` literal sent raw
/// holds any byte). Forwarded as they are; decoded only to classify, translate or log a statement.
public struct QueryText: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ text: String) { self.bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(stringLiteral text: String) { self.init(text) }

    /// As text; a sequence that is not UTF-8 reads as U+FFFD.
    public var text: String { String(decoding: self.bytes, as: UTF8.self) }
    public var description: String { self.text }
}
