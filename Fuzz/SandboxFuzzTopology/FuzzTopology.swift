import SandboxFuzzerEntry
import SandboxTopology

/// libFuzzer: any text as a topology file (YAML), loaded and validated as `sandbox validate` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTopology(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? TopologyLoader.parse(text, source: "fuzz")
    return 0
}

/// The executable's entry point (SwiftPM's name for `main`): libFuzzer's driver.
@_cdecl("SandboxFuzzTopology_main")
public func fuzzTopologyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    cloudsandbox_fuzz_main(argc, argv, fuzzTopology)
}
