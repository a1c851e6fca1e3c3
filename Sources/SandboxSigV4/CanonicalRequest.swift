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

    public init(
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        self.headers.first { CanonicalRequest.sameName($0.name, name) }?.value
    }
}

public enum CanonicalRequest {
    /// The hex SHA-256 of the payload, or the client's `x-amz-content-sha256` when it sent one.
    public static func payloadHash(_ request: SigV4Request) -> String {
        request.header("x-amz-content-sha256") ?? hex(SHA256.hash(data: request.body))
    }

    /// Appends the canonical headers block and the signed-headers list for `names` (lower-case), sorted.
    static func writeHeaders(
        _ request: SigV4Request,
        signed names: [String],
        block: inout [UInt8],
        signed: inout [UInt8]
    ) {
        let sorted = names.sorted()
        for name in sorted {
            block += name.utf8
            block.append(UInt8(ascii: ":"))
            var first = true
            for header in request.headers where Self.sameName(header.name, name) {
                if !first { block.append(UInt8(ascii: ",")) }
                Self.writeTrimmed(header.value, into: &block)
                first = false
            }
            block.append(UInt8(ascii: "\n"))
        }
        for (index, name) in sorted.enumerated() {
            if index > 0 { signed.append(UInt8(ascii: ";")) }
            signed += name.utf8
        }
    }

    /// The canonical request string for `signedHeaders` (lower-case names).
    public static func string(_ request: SigV4Request, signedHeaders: [String], payloadHash: String) -> String {
        String(decoding: Self.bytes(request, signedHeaders: signedHeaders, payloadHash: payloadHash), as: UTF8.self)
    }

    /// The canonical request as UTF-8, built in one buffer: what is hashed for the string to sign. `query` is the
    /// request's query when the caller has parsed it; `excludingQuery` names a pair left out (a presigned signature).
    static func bytes(
        _ request: SigV4Request,
        signedHeaders: [String],
        payloadHash: String,
        query: CanonicalQuery? = nil,
        excludingQuery: String? = nil
    ) -> [UInt8] {
        let newline = UInt8(ascii: "\n")
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        out += request.method.utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
        out.append(newline)
        if request.path.isEmpty {
            out.append(UInt8(ascii: "/"))
        } else {
            SigV4Encoding.uriEncode(request.path.utf8, keepSlash: true, into: &out)
        }
        out.append(newline)
        (query ?? CanonicalQuery(request.query)).write(excluding: excludingQuery, into: &out)
        out.append(newline)
        var signed: [UInt8] = []
        Self.writeHeaders(request, signed: signedHeaders, block: &out, signed: &signed)
        out.append(newline)
        out += signed
        out.append(newline)
        out += payloadHash.utf8
        return out
    }

    /// Header names compare without regard to ASCII case.
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { Self.lower($0) == Self.lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Appends a header value as SigV4 canonicalizes it: trimmed, runs of spaces and tabs collapsed into one space.
    static func writeTrimmed(_ value: String, into out: inout [UInt8]) {
        let start = out.count
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = out.count > start
                continue
            }
            if pendingSpace { out.append(UInt8(ascii: " ")) }
            pendingSpace = false
            out.append(byte)
        }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        Self.writeHex(digest, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends lower-case hex digits of `digest`.
    static func writeHex(_ digest: some Sequence<UInt8>, into out: inout [UInt8]) {
        for byte in digest {
            out.append(Self.lowerHex(byte >> 4))
            out.append(Self.lowerHex(byte & 0x0F))
        }
    }

    @inline(__always)
    private static func lowerHex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
