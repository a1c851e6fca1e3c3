import CloudSandbox
import Foundation
@testable import SandboxLambda
import XCTest

/// What a process function needs before it can run, found at start: the preload library (found or compiled
/// into a cache from the C source the package ships), its code folder and its program; each missing piece named.
final class ProcessFunctionSetupTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cloudsandbox-setup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func testThePreloadLibraryIsCompiledOnceIntoACacheKeyedByItsSource() throws {
        let cache = try self.temporaryFolder()
        let environment = ["CLOUDSANDBOX_CACHE": cache.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""]
        let first = PreloadLibrary.locate(environment: environment)
        let path = try XCTUnwrap(first.path, "\(first)")
        XCTAssertTrue(path.hasPrefix(cache.path) && path.hasSuffix(".so"), path)
        XCTAssertNotNil(dlopen(path, RTLD_NOW | RTLD_LOCAL), "a loadable library: \(String(cString: dlerror()))")
        XCTAssertEqual(PreloadLibrary.locate(environment: environment), first, "found again, not rebuilt")
        let left = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        XCTAssertEqual(left, [URL(fileURLWithPath: path).lastPathComponent], "no partial files left behind")
    }

    func testAMissingCompilerOrLibraryIsNamedWithTheFix() throws {
        let cache = try self.temporaryFolder()
        let noCompiler = PreloadLibrary.locate(environment: ["CLOUDSANDBOX_CACHE": cache.path, "PATH": cache.path])
        guard case let .unavailable(reason) = noCompiler else { return XCTFail("\(noCompiler)") }
        XCTAssertTrue(reason.contains("no C compiler") && reason.contains("CLOUDSANDBOX_PRELOAD"), reason)
        let error = try XCTUnwrap(noCompiler.functionError)
        XCTAssertEqual(error.errorType, "Sandbox.PreloadUnavailable")
        let missing = PreloadLibrary.locate(environment: ["CLOUDSANDBOX_PRELOAD": cache.appendingPathComponent("nope.so").path])
        guard case let .unavailable(why) = missing else { return XCTFail("\(missing)") }
        XCTAssertTrue(why.contains("nope.so") && why.contains("unset it"), why)
    }

    /// A wrong code folder or a program not on PATH is refused when the topology loads, naming the file, key and line.
    func testAMissingFolderOrProgramIsNamedAtStart() throws {
        let folder = try self.temporaryFolder()
        let cases = [
            ("workingDirectory: no-such-folder", "functions[0].workingDirectory", "is not a folder"),
            ("command: [no-such-program-xyz]", "functions[0].command", "is not on PATH"),
        ]
        for (line, key, reason) in cases {
            let file = folder.appendingPathComponent("topology.yaml")
            let yaml = "region: us-east-1\niam:\n  roles:\n    - name: fn-role\n      trustPolicy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, "
                + "Principal: {Service: lambda.amazonaws.com}, Action: \"sts:AssumeRole\"}]}\nfunctions:\n  - name: fn\n    role: fn-role\n"
                + "    command: [python3, -m, awslambdaric, app.handler]\n    \(line)\n"
            try yaml.replacingOccurrences(of: "command: [python3, -m, awslambdaric, app.handler]\n    command:", with: "command:")
                .write(to: file, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TopologyLoader.load(path: file.path)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("topology \(key) in \(file.path) (line "), text)
                XCTAssertTrue(text.contains(reason), text)
            }
        }
        XCTAssertThrowsError(try TopologyLoader.load(path: folder.appendingPathComponent("missing.yaml").path)) { error in
            XCTAssertTrue("\(error)".contains("cannot read the file"), "\(error)")
        }
    }
}
