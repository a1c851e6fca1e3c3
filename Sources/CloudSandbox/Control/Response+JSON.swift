import FakeAWS
import Foundation
import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer of the control APIs (keys sorted, so answers are stable).
    static func json(_ object: Any, status: HTTPResponse.Status = .ok, pretty: Bool = false) -> Response {
        let options: JSONSerialization.WritingOptions = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Response {
    /// A control API's answer of a `ControlModels` type.
    static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? ControlJSON.encoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension DBProxyRecord.Target {
    /// As the untyped control APIs show it: instance, state, and the reason and description when there are.
    var json: [String: Any] {
        let status = TargetStatus(self)
        var entry: [String: Any] = ["instance": status.instance, "state": status.state]
        entry["reason"] = status.reason
        entry["description"] = status.description
        return entry
    }
}
