import Foundation
import Hummingbird
import NIOCore

extension Response {
    /// A control API's JSON answer (keys sorted, so answers are stable).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, pretty: Bool = true) -> Response {
        let data = (try? ControlJSON.encoder(pretty: pretty).encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
