import Hummingbird
import NIOCore

extension Response {
    /// This response with `Connection: close`, after which the connection is closed without waiting for the rest
    /// of the request: a refused body (too large) is not drained, whatever its size, so the client gets its answer
    /// at once instead of after sending everything. The response goes out with a FIN (output closed) and the
    /// connection closes fully `linger` later: closing it at once, with the client's bytes unread, would send a
    /// reset that can reach the client before it has read the answer.
    public func closingConnection(_ channel: any Channel, linger: TimeAmount = .milliseconds(250)) -> Response {
        var response = self
        response.headers[.connection] = "close"
        let body = self.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            // Queued behind the response's parts on the channel's event loop, so those are written first.
            channel.eventLoop.execute {
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: linger) { channel.close(mode: .all, promise: nil) }
            }
        }
        return response
    }
}

extension Request {
    /// The whole body, refused (`HTTPError(.contentTooLarge)`) as soon as it is known to exceed `limit`: before
    /// reading any of it when its declared length does, else once `limit` bytes have arrived.
    public mutating func collectBody(within limit: Int) async throws -> ByteBuffer {
        if let declared = self.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw HTTPError(.contentTooLarge)
        }
        return try await self.collectBody(upTo: limit)
    }
}
