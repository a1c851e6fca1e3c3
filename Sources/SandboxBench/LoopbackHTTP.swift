import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 keep-alive client over a blocking socket, for measuring the HTTP API without a client
/// library's own overhead. Loopback only; every read is bounded by a 30 s socket timeout.
final class LoopbackHTTP {
    private let fd: Int32
    private let host: String

    init(url: String) throws {
        let parts = url.replacingOccurrences(of: "http://", with: "").split(separator: ":")
        guard parts.count == 2, parts[0].hasPrefix("127."), let port = UInt16(parts[1]) else {
            throw BenchFailure("not a loopback URL: \(url)")
        }
        self.host = String(parts[0])
        self.fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, self.host, &address.sin_addr)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw BenchFailure("cannot connect to \(url)") }
    }

    deinit { close(self.fd) }

    /// GET `path`; returns the status code.
    func get(_ path: String) throws -> Int {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(self.host)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(self.fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw BenchFailure("send failed")
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if buffer.count - end.upperBound >= length {
                    return Int(head.split(separator: " ")[1]) ?? 0
                }
            }
            let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw BenchFailure("connection closed or timed out") }
            buffer += chunk[..<count]
        }
    }
}
