import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The encodings SigV4 is defined over.
public enum SigV4Encoding {
    /// RFC 3986 percent-encoding of everything but the unreserved characters (and `/` when `keepSlash`).
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        Self.uriEncode(text.utf8, keepSlash: keepSlash, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the percent-encoding of the UTF-8 `text` to `out`.
    static func uriEncode(_ text: some Sequence<UInt8>, keepSlash: Bool = false, into out: inout [UInt8]) {
        for byte in text { Self.uriEncode(byte, keepSlash: keepSlash, into: &out) }
    }

    @inline(__always)
    static func uriEncode(_ byte: UInt8, keepSlash: Bool = false, into out: inout [UInt8]) {
        if Self.isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
            out.append(byte)
        } else {
            out.append(UInt8(ascii: "%"))
            out.append(Self.upperHex(byte >> 4))
            out.append(Self.upperHex(byte & 0x0F))
        }
    }

    /// RFC 3986's unreserved characters (a switch, not a table: a global table costs a lazy-initialization check
    /// per byte).
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    @inline(__always)
    private static func upperHex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") - 10 + nibble
    }

    /// Percent-decoding (and `+` as space when `plusIsSpace`, as in form bodies); a malformed escape or a
    /// result that is not UTF-8 leaves the text as it was.
    public static func decode(_ text: some StringProtocol, plusIsSpace: Bool = false) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        guard Self.percentDecode(utf8, plusIsSpace: plusIsSpace, into: &out) else { return String(text) }
        return String(validating: out, as: UTF8.self) ?? String(text)
    }

    /// Appends the percent-decoding of `text` (and `+` as space when `plusIsSpace`); `false` when an escape is
    /// malformed.
    static func percentDecode(
        _ text: some Collection<UInt8>,
        plusIsSpace: Bool = false,
        into out: inout [UInt8]
    ) -> Bool {
        var iterator = text.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return false }
            out.append(high << 4 | low)
        }
        return true
    }

    static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Splits a raw query string (or a form body, with `plusIsSpace`) into decoded name/value pairs, in order.
    public static func queryPairs(_ query: String, plusIsSpace: Bool = false) -> [(String, String)] {
        // Split on bytes: `&` and `=` are ASCII, and walking a String by Character is slow.
        query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { item in
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else {
                return (decode(Substring(item), plusIsSpace: plusIsSpace), "")
            }
            return (
                decode(Substring(item[..<equals]), plusIsSpace: plusIsSpace),
                decode(Substring(item[item.index(after: equals)...]), plusIsSpace: plusIsSpace)
            )
        }
    }

    /// `20150830T123600Z`
    public static func amzDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }

    /// Parses `yyyyMMddTHHmmssZ`; `nil` for anything else.
    public static func parseAmzDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8(Self.parseAmzDate)
    }

    private static func parseAmzDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
