import SandboxFuzzerEntry
import SandboxIAMPolicy

/// libFuzzer: any text as an IAM policy document, parsed as an identity and as a resource policy, then evaluated.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let request = RequestContext(
        principalARN: "arn:aws:iam::123456789012:user/u",
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        keys: ["aws:SourceIp": ["10.0.0.1"], "aws:SecureTransport": ["true"]]
    )
    if let identity = try? PolicyDocument.parse(text) {
        _ = PolicyEvaluator.evaluate(request, identityPolicies: [NamedPolicy(name: "fuzz", document: identity)])
    }
    _ = try? PolicyDocument.parse(text, kind: .resource)
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzPolicy_main")
public func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzPolicy)
}
