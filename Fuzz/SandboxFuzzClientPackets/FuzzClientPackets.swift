import NIOCore
import SandboxFuzzerEntry
import SandboxMySQLWire

/// libFuzzer: bytes from a server, framed, through the client state machine (greeting, auth, then queries'
/// results, assembled or relayed as the proxy relays them: the first byte's low bits pick relaying and the
/// client's CLIENT_DEPRECATE_EOF).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientPackets(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let relaying = size > 0 && data[0] & 1 == 1
    let clientDeprecatesEOF = size > 0 && data[0] & 2 == 2
    var stream = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    var framer = MySQLPacketFramer(maxPacketSize: 1 << 20)
    var client = ClientConnectionStateMachine(configuration: .init(username: "u", password: "p", tls: .disabled))
    for _ in 0..<64 {
        guard let packet = try? framer.nextPacket(from: &stream) else { break }
        switch client.packetReceived(packet) {
        case .loggedIn, .commandCompleted, .relayed(.finished):
            _ =
                relaying
                ? client.relay(.query("SELECT 1"), clientDeprecatesEOF: clientDeprecatesEOF)
                : client.send(.query("SELECT 1"))
        default:
            break
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzClientPackets_main")
public func fuzzClientPacketsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzClientPackets)
}
