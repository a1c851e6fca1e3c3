import Foundation

/// The encodings SigV4 is defined over.
public enum SigV4Encoding {
    /// RFC 3986 percent-encoding of everything but the unreserved characters (and `/` when `keepSlash`).
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Percent-decoding (and `+` as space when `plusIsSpace`, as in form bodies).
    public static func decode(_ text: String, plusIsSpace: Bool = false) -> String {
        let text = plusIsSpace ? text.replacingOccurrences(of: "+", with: " ") : text
        return text.removingPercentEncoding ?? text
    }

    /// Splits a raw query string into decoded name/value pairs, in order.
    public static func queryPairs(_ query: String) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(String(parts[0])), parts.count > 1 ? decode(String(parts[1])) : "")
        }
    }

    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }()

    private static let lock = NSLock()

    /// `20150830T123600Z`
    public static func amzDate(_ date: Date) -> String { lock.withLock { formatter.string(from: date) } }
    public static func parseAmzDate(_ text: String) -> Date? { lock.withLock { formatter.date(from: text) } }
}
