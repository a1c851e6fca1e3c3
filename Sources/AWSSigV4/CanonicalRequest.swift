import Crypto
import Foundation

/// An HTTP request as SigV4 sees it, and its canonical form.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as sent on the wire (already percent-encoded by the client); it is encoded once more.
    public var path: String
    /// The raw query string, without `?`.
    public var query: String
    /// Header names in any case; repeated names keep every value.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

public enum CanonicalRequest {
    /// The hex SHA-256 of the payload, or the client's `x-amz-content-sha256` when it sent one.
    public static func payloadHash(_ request: SigV4Request) -> String {
        request.header("x-amz-content-sha256") ?? hex(SHA256.hash(data: request.body))
    }

    /// Canonical headers block and the signed-headers list for `names` (lower-case).
    static func headers(_ request: SigV4Request, signed names: [String]) -> (block: String, signed: String) {
        var values: [String: [String]] = [:]
        for (name, value) in request.headers {
            let key = name.lowercased()
            guard names.contains(key) else { continue }
            values[key, default: []].append(Self.trimmed(value))
        }
        let sorted = names.sorted()
        let block = sorted.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, sorted.joined(separator: ";"))
    }

    /// The canonical query: each name and value encoded, sorted by name then value; `excluding` drops names.
    static func query(_ raw: String, excluding: Set<String> = []) -> String {
        Self.query(pairs: SigV4Encoding.queryPairs(raw), excluding: excluding)
    }

    /// The canonical query of already decoded pairs.
    static func query(pairs: [(String, String)], excluding: Set<String> = []) -> String {
        let kept = pairs.filter { !excluding.contains($0.0) }
        let encoded: [(name: String, value: String)] = kept.map { (SigV4Encoding.uriEncode($0.0), SigV4Encoding.uriEncode($0.1)) }
        // By byte (the encoded names are ASCII): SigV4 sorts by code point, and String's `<` is slower.
        let sorted = encoded.sorted { (a, b) -> Bool in
            a.name == b.name ? a.value.utf8.lexicographicallyPrecedes(b.value.utf8) : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The canonical request string for `signedHeaders` (lower-case names).
    public static func string(_ request: SigV4Request, signedHeaders: [String], payloadHash: String,
                              excludingQuery: Set<String> = [], queryPairs: [(String, String)]? = nil) -> String {
        let path = request.path.isEmpty ? "/" : SigV4Encoding.uriEncode(request.path, keepSlash: true)
        let (block, signed) = Self.headers(request, signed: signedHeaders)
        let query = Self.query(pairs: queryPairs ?? SigV4Encoding.queryPairs(request.query), excluding: excludingQuery)
        return [request.method.uppercased(), path, query, block, signed, payloadHash].joined(separator: "\n")
    }

    /// A header value as SigV4 canonicalizes it: trimmed, runs of spaces and tabs collapsed into one space.
    static func trimmed(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(UInt8(ascii: " ")) }
            pendingSpace = false
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(Self.hexDigits[Int(byte >> 4)])
            out.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
