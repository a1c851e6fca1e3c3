import Foundation
import SandboxFuzzerEntry
import SandboxSigV4

private let credentials = AWSCredentials(
    accessKeyID: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)
private let verifier = SigV4Verifier(
    lookup: { $0 == "AKIDEXAMPLE" ? credentials : nil },
    now: { Date(timeIntervalSince1970: 1_478_540_373) }
)

/// libFuzzer: any text as an RDS IAM auth token (the password a proxy receives).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? RDSAuthToken.verify(text, using: verifier)
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzAuthToken_main")
public func fuzzAuthTokenMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzAuthToken)
}
