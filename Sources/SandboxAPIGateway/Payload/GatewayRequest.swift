import Foundation
import SandboxAWSCore
import SandboxLambda
import SandboxSigV4

/// An HTTP request as the API's listener received it: what both payload formats are built from.
public struct GatewayRequest: Sendable {
    public var method: String
    /// As sent, percent-encoded, without the query.
    public var rawPath: String
    public var rawQueryString: String
    /// In the order received, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var sourceIP: String
    public var requestID: String
    public var time: Date

    public init(
        method: String,
        rawPath: String,
        rawQueryString: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        sourceIP: String,
        requestID: String,
        time: Date
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQueryString = rawQueryString
        self.headers = headers
        self.body = body
        self.sourceIP = sourceIP
        self.requestID = requestID
        self.time = time
    }

    func header(_ name: String) -> String? { self.headers.first { $0.name.lowercased() == name }?.value }

    /// Query parameters decoded, in order, with repeats.
    var queryPairs: [(String, String)] { SigV4Encoding.queryPairs(self.rawQueryString, plusIsSpace: true) }

    /// The path as API Gateway decodes it for `requestContext.http.path` and `path`.
    var decodedPath: String { SigV4Encoding.decode(self.rawPath, plusIsSpace: true) }

    /// A path parameter decoded (as sent when it is not valid percent-encoding); most have no `%` to decode.
    static func percentDecoded(_ text: String) -> String {
        text.utf8.contains(UInt8(ascii: "%")) ? text.removingPercentEncoding ?? text : text
    }

    /// Whether the body travels as text; otherwise it is base64 and `isBase64Encoded` is true.
    var bodyIsText: Bool {
        let type = (self.header("content-type") ?? "").lowercased()
        if type.hasPrefix("text/")
            || ["json", "xml", "javascript", "x-www-form-urlencoded"].contains(where: type.contains)
        {
            return true
        }
        return type.isEmpty && String(validating: self.body, as: UTF8.self) != nil
    }

    /// `12/Mar/2020:19:03:58 +0000`, as requestContext.time reads (gmtime_r: no formatter per request).
    var clfTime: String {
        var seconds = time_t(self.time.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let pad = TextFormat.padded
        return "\(pad(Int(parts.tm_mday), 2))/\(months[Int(parts.tm_mon)])/\(pad(Int(parts.tm_year) + 1900, 4)):"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)) +0000"
    }

    var epochMillis: Int64 { Int64((self.time.timeIntervalSince1970 * 1000).rounded()) }

    var bodyValue: (JSONValue, Bool) {
        if self.body.isEmpty { return (.null, false) }
        return self.bodyIsText
            ? (.string(String(decoding: self.body, as: UTF8.self)), false)
            : (.string(Data(self.body).base64EncodedString()), true)
    }
}
