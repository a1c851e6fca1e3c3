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

extension DBProxyRecord.Target {
    /// As the control APIs show it: instance, state, and the reason and description when there are.
    var json: [String: Any] {
        var entry: [String: Any] = ["instance": self.instanceIdentifier, "state": self.state.rawValue]
        entry["reason"] = self.reason?.rawValue
        entry["description"] = self.healthDescription
        return entry
    }
}
