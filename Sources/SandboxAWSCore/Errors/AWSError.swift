import Foundation

/// An AWS error: the code (`__type` / `<Code>`), the message, the HTTP status and whether the fault is the
/// sender's. Encoded in the protocol of the service that raised it.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: AWSErrorCode
    public var message: String
    public var status: Int
    /// Extra members of a REST-JSON error body (Lambda's `Reason`).
    public var fields: [String: String]

    /// `status` defaults to the one AWS answers `code` with (`AWSErrorCode.status`).
    public init(_ code: AWSErrorCode, _ message: String, status: Int? = nil, fields: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.status = status ?? code.status
        self.fields = fields
    }

    public var description: String { "\(self.code): \(self.message)" }

    /// `User: ARN is not authorized to perform: ACTION on resource: ARN`, as AWS words it.
    public static func accessDenied(
        principal: String,
        action: String,
        resource: String,
        json: Bool,
        reason: String? = nil
    ) -> AWSError {
        AWSError(
            json ? .accessDeniedException : .accessDenied,
            "User: \(principal) is not authorized to perform: \(action) on resource: \(resource)"
                + (reason.map { " \($0)" } ?? ""),
            status: json ? 400 : 403
        )
    }

    public static func invalidAction(_ action: String, service: String) -> AWSError {
        AWSError(.invalidAction, "Could not find operation \(action) for \(service)")
    }

    package static func bodyTooLarge(limit: Int) -> AWSError {
        AWSError(.requestEntityTooLarge, "Request body is larger than \(limit) bytes.")
    }

    public static func missingParameter(_ name: String) -> AWSError {
        AWSError(.missingParameter, "The request must contain the parameter \(name)")
    }

    /// `{"__type": "...", "message": "..."}` (JSON 1.1 services).
    public var jsonBody: [UInt8] {
        AWSJSON.encode(["__type": self.code.rawValue, "message": self.message])
    }

    /// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` (query services).
    public func xmlBody(requestID: String, namespace: String) -> [UInt8] {
        let type = self.status >= 500 ? "Receiver" : "Sender"
        return Array(
            ("<ErrorResponse xmlns=\"\(namespace)\"><Error><Type>\(type)</Type>"
                + "<Code>\(XML.escape(self.code.rawValue))</Code><Message>\(XML.escape(self.message))</Message></Error>"
                + "<RequestId>\(requestID)</RequestId></ErrorResponse>")
                .utf8
        )
    }
}

/// The query protocol's XML envelope and text escaping (results are written by `QueryXMLEncoder`).
public enum XML {
    public static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(char)
            }
        }
        return out
    }

    /// `<ActionResponse xmlns=...><ActionResult>body</ActionResult>`, then `<ResponseMetadata>...</ResponseMetadata>`
    /// and `</ActionResponse>`.
    public static func response(action: String, namespace: String, result: String, requestID: String) -> [UInt8] {
        Array(
            ("<\(action)Response xmlns=\"\(namespace)\"><\(action)Result>\(result)</\(action)Result>"
                + "<ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(action)Response>").utf8
        )
    }
}
