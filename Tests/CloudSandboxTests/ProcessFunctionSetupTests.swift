import CloudSandbox
import Foundation
import XCTest

@testable import SandboxLambda

/// What a process function needs before it can run, found at start: the preload library (found or compiled
/// into a cache from the C source the package ships), its code folder and its program; each missing piece named.
final class ProcessFunctionSetupTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "cloudsandbox-setup-\(UUID().uuidString.prefix(8))"
        )
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
        let missing = PreloadLibrary.locate(environment: [
            "CLOUDSANDBOX_PRELOAD": cache.appendingPathComponent("nope.so").path
        ])
        guard case let .unavailable(why) = missing else { return XCTFail("\(missing)") }
        XCTAssertTrue(why.contains("nope.so") && why.contains("unset it"), why)
    }

    /// A wrong code folder or a program not on PATH is refused when the topology loads, naming the file, key and line.
    func testAMissingFolderOrProgramIsNamedAtStart() throws {
        let folder = try self.temporaryFolder()
        // A program copied without its mode, and one built for another machine (an aarch64 ELF header, as
        // `GOARCH=arm64` leaves it).
        try Data("#!/bin/sh\n".utf8).write(to: folder.appendingPathComponent("plain"))
        var elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8) + [2, 0, 183, 0]
        elf += [UInt8](repeating: 0, count: 44)
        try Data(elf).write(to: folder.appendingPathComponent("bootstrap"))
        chmod(folder.appendingPathComponent("bootstrap").path, 0o755)
        let cases = [
            ("workingDirectory: no-such-folder", "functions[0].workingDirectory", "is not a folder"),
            ("command: [no-such-program-xyz]", "functions[0].command", "is not on PATH"),
            ("command: [./plain]", "functions[0].command", "\(folder.path)/plain is not executable; `chmod +x` it"),
            (
                "command: [./bootstrap]", "functions[0].command",
                "bootstrap is not a program this machine (Linux, x86-64) runs: `file` would say: ELF 64-bit LSB "
                    + "executable, ARM aarch64; build it for linux/amd64"
            ),
        ]
        for (line, key, reason) in cases {
            let file = folder.appendingPathComponent("topology.yaml")
            let yaml =
                "region: us-east-1\niam:\n  roles:\n    - name: fn-role\n      trustPolicy: {Version: "
                + "\"2012-10-17\", Statement: [{Effect: Allow, "
                + "Principal: {Service: lambda.amazonaws.com}, Action: \"sts:AssumeRole\"}]}\nfunctions:\n  - "
                + "name: fn\n    role: fn-role\n"
                + "    command: [python3, -m, awslambdaric, app.handler]\n    \(line)\n"
            try yaml.replacingOccurrences(
                of: "command: [python3, -m, awslambdaric, app.handler]\n    command:",
                with: "workingDirectory: .\n    command:"
            )
            .write(to: file, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TopologyLoader.load(path: file.path)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("topology \(key) in \(file.path) (line "), text)
                XCTAssertTrue(text.contains(reason), text)
            }
        }
        XCTAssertThrowsError(try TopologyLoader.load(path: folder.appendingPathComponent("missing.yaml").path)) {
            error in
            XCTAssertTrue("\(error)".contains("cannot read the file"), "\(error)")
        }
    }

    /// A go1.x function's handler is the executable in its code folder; without it, the folder's Go sources are built
    /// once into the cache (the integration tests run that build); with neither, the reason says what to do.
    func testAGo1xHandlerIsTheFolderExecutableOrSaysWhyNot() throws {
        let folder = try self.temporaryFolder()
        let environment = ["CLOUDSANDBOX_CACHE": folder.appendingPathComponent("cache").path, "PATH": "/usr/bin:/bin"]
        guard
            case let .unrunnable(empty) = GoFunctionBuild.resolve(
                folder: folder,
                handler: "main",
                environment: environment
            )
        else { return XCTFail() }
        XCTAssertTrue(
            empty.contains("its handler 'main' is not in the code folder")
                && empty.contains("CGO_ENABLED=0 go build -o main"),
            empty
        )
        try Data("package main\nfunc main() {}\n".utf8).write(to: folder.appendingPathComponent("main.go"))
        guard
            case let .unrunnable(noGo) = GoFunctionBuild.resolve(
                folder: folder,
                handler: "main",
                environment: ["PATH": folder.path]
            )
        else { return XCTFail() }
        XCTAssertTrue(noGo.contains("`go` is not on PATH") && noGo.contains("golang-go"), noGo)
        try Data("#!/bin/sh\n".utf8).write(to: folder.appendingPathComponent("main"))
        guard
            case let .unrunnable(mode) = GoFunctionBuild.resolve(
                folder: folder,
                handler: "main",
                environment: environment
            )
        else { return XCTFail() }
        XCTAssertTrue(mode.contains("main is not executable; `chmod +x` it"), mode)
        chmod(folder.appendingPathComponent("main").path, 0o755)
        XCTAssertEqual(
            GoFunctionBuild.resolve(folder: folder, handler: "main", environment: environment),
            .executable(path: folder.appendingPathComponent("main").path, built: nil)
        )
    }
}
