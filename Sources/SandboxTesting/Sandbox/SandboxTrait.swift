import CloudSandbox
import Foundation
import SandboxTemplateImport
import Testing

/// Swift Testing's way to a sandbox per test: `@Test(.sandbox(file: "Sandbox/default.yaml"))` starts one for the
/// test (for each of its arguments), and `Sandbox.current` is it while the test runs; it is shut down after.
public struct SandboxTrait: TestTrait, SuiteTrait, TestScoping {
    let start: @Sendable () async throws -> Sandbox

    /// Each test of a suite that has the trait gets a sandbox of its own.
    public var isRecursive: Bool { true }

    @TaskLocal static var running: Sandbox?

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        // a suite: each of its tests gets one
        guard testCase != nil || !test.isSuite else { return try await function() }
        let sandbox = try await self.start()
        do {
            try await SandboxTrait.$running.withValue(sandbox) { try await function() }
            await sandbox.shutdown()
        } catch {
            await sandbox.shutdown()
            throw error
        }
    }
}

extension Trait where Self == SandboxTrait {
    /// A sandbox of `topology` for the test.
    public static func sandbox(
        _ topology: Topology,
        baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> SandboxTrait {
        SandboxTrait { try await Sandbox.start(topology, baseDirectory: baseDirectory) }
    }

    /// A sandbox of a topology file, a CloudFormation/SAM template or Terraform JSON (paths relative to the file).
    public static func sandbox(file path: String, importing options: TopologySource.Options = .init()) -> SandboxTrait {
        SandboxTrait {
            let loaded = try TopologySource.load(path: path, options: options)
            return try await Sandbox.start(loaded.topology, baseDirectory: loaded.baseDirectory)
        }
    }
}

extension Sandbox {
    /// The sandbox the running test's `.sandbox(...)` trait started (nil outside one).
    public static var current: Sandbox? { SandboxTrait.running }
}
