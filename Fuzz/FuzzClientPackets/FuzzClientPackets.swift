import FuzzerEntry
import MySQLWire
import NIOCore

/// libFuzzer: bytes from a server, framed, through the client state machine (greeting, auth, a query's result).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientPackets(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    var stream = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    var framer = MySQLPacketFramer(maxPacketSize: 1 << 20)
    var client = ClientConnectionStateMachine(configuration: .init(username: "u", password: "p", tls: .disabled))
    var sentQuery = false
    for _ in 0..<64 {
        guard let packet = try? framer.nextPacket(from: &stream) else { break }
        if case .loggedIn = client.packetReceived(packet), !sentQuery {
            sentQuery = true
            _ = client.send(.query("SELECT 1"))
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("FuzzClientPackets_main")
public func fuzzClientPacketsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzClientPackets)
}
