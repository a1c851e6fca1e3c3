import NIOCore
import SandboxFuzzerEntry
import SandboxPostgresWire

/// libFuzzer: bytes from a client through the PostgreSQL framer and the server state machine: as a connection's
/// opening (startup, SSLRequest, authentication), then as messages after a login (the query protocols).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPostgresMessages(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    let description = PostgresServerStateMachine.StatementDescription(
        parameterTypes: [23],
        columns: [.init(name: "id", typeOID: 23, typeSize: 4)]
    )
    for loggedIn in [false, true] {
        var stream = bytes
        var framer = PostgresMessageFramer(untyped: true, maxMessageSize: 1 << 20)
        var server = PostgresServerStateMachine(configuration: .init(tlsAvailable: true, processID: 1, secretKey: 2))
        if loggedIn {
            _ = server.frameReceived(
                PostgresFrame(type: nil, body: OpeningMessage.startup(minor: 0, parameters: [("user", "u")]).body())
            )
            _ = server.authMethodDetermined(.success(.trust))
            _ = server.verdictReceived(.accepted(parameters: []))
        }
        for _ in 0..<64 {
            framer.untyped = server.expectsUntypedMessage
            guard server.isReadyForFrame, let frame = try? framer.nextFrame(from: &stream) else { break }
            switch server.frameReceived(frame) {
            case .askAuthMethod:
                _ = server.authMethodDetermined(
                    .success(.scram(SCRAMSHA256Verifier(password: "p", salt: [1], iterations: 1), serverNonce: "n"))
                )
            case .verify: _ = server.verdictReceived(.accepted(parameters: []))
            case .startTLS: _ = server.tlsEstablished()
            case let .execute(command):
                if case .parse = command {
                    _ = server.commandCompleted(.parsed(description))
                } else {
                    _ = server.commandCompleted(.completed([], .idle))
                }
            default: break
            }
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzPostgresMessages_main")
public func fuzzPostgresMessagesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzPostgresMessages)
}
