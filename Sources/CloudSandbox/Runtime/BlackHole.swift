import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP address where connection attempts go unanswered, as SYNs to an address a security group drops: a
/// listener with a backlog of 0 whose one slot is taken and never accepted, so Linux drops every later SYN and
/// the client's own connect timeout fires. Process functions' connections that the network denies are sent here
/// (by the preload library) after a probe on the real path has let the listener log the denial.
final class BlackHole: Sendable {
    let address: String
    let port: Int
    private let listener: Int32
    private let filler: Int32

    init(address: String) throws {
        func fail(_ what: String) -> Error {
            TopologyError(
                path: "loopback",
                "cannot set up the dropped-connection address \(address): \(what) failed (errno \(errno))"
            )
        }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw fail("socket") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, address, &local.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 0) == 0 else {
            _ = Glibc.close(listener)
            throw fail("bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) }
        }
        guard filler >= 0, connected == 0 else {
            _ = Glibc.close(listener)
            throw fail("connect")
        }
        self.address = address
        self.port = Int(UInt16(bigEndian: local.sin_port))
        self.listener = listener
        self.filler = filler
    }

    func close() {
        _ = Glibc.close(self.filler)
        _ = Glibc.close(self.listener)
    }
}
