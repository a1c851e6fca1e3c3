import Foundation
import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer of the control APIs (keys sorted, so answers are stable).
    static func json(_ object: Any, status: HTTPResponse.Status = .ok, pretty: Bool = false) -> Response {
        let options: JSONSerialization.WritingOptions = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return Self.json(data: try? JSONSerialization.data(withJSONObject: object, options: options), status: status)
    }

    /// A control API's answer of a `ControlModels` type.
    static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Self.json(data: try? ControlJSON.encoder().encode(value), status: status)
    }

    private static func json(data: Data?, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data ?? Data("{}".utf8))))
    }
}
