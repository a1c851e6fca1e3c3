import SandboxAWSCore
import SandboxFuzzerEntry

/// A query-protocol request's members of each kind the services' inputs use: scalars, lists, lists of structures,
/// nested structures.
private struct FuzzInput: Decodable {
    struct Entry: Decodable {
        var key: String
        var values: [String]
        var type: String?
    }
    struct Pool: Decodable {
        var maxConnectionsPercent: Int?
        var initQuery: String?
        var filters: [String]
    }
    var roleArn: String
    var durationSeconds: Int?
    var requireTLS: Bool?
    var ids: [String]
    var entries: [Entry]
    var pool: Pool?
}

/// libFuzzer: any text as a query-protocol form, decoded as an operation's input: it decodes or is refused with
/// an AWS error, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQueryForm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let form = QueryForm(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    _ = try? form.decode(FuzzInput.self, style: .validationError)
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzQueryForm_main")
public func fuzzQueryFormMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzQueryForm)
}
