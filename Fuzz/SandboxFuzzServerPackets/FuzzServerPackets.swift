import NIOCore
import SandboxFuzzerEntry
import SandboxMySQLWire

/// libFuzzer: bytes from a client, framed, through the server state machine (handshake, then commands).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerPackets(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    var stream = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    var framer = MySQLPacketFramer(maxPacketSize: 1 << 20)
    var server = ServerConnectionStateMachine(configuration: .init(connectionID: 1, tlsAvailable: true))
    _ = server.connected()
    for _ in 0..<64 {
        guard let packet = try? framer.nextPacket(from: &stream) else { break }
        switch server.packetReceived(packet) {
        case .askAuthMethod: _ = server.authMethodDetermined(.success(.nativePassword))
        case .verify: _ = server.verdictReceived(.accepted)
        case .startTLS: _ = server.tlsEstablished()
        default: break
        }
    }
    // The same bytes as a command after a login.
    var loggedIn = ServerConnectionStateMachine(configuration: .init(connectionID: 2, tlsAvailable: false))
    _ = loggedIn.connected()
    var response = ByteBuffer()
    HandshakeResponse41(
        capabilities: .clientDefault,
        username: "u",
        authResponse: [],
        authPluginName: "mysql_native_password"
    ).encode(into: &response)
    if case .askAuthMethod = loggedIn.packetReceived(MySQLPacket(sequenceID: 1, payload: response)),
        case .verify = loggedIn.authMethodDetermined(.success(.nativePassword))
    {
        _ = loggedIn.verdictReceived(.accepted)
        _ = loggedIn.packetReceived(
            MySQLPacket(sequenceID: 0, payload: ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size)))
        )
    }
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzServerPackets_main")
public func fuzzServerPacketsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzServerPackets)
}
