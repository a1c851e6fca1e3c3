import CloudSandbox
import Foundation
import SandboxLambda
@_exported import SandboxTemplateImport

/// Runs `body` with a sandbox of its own, started from `topology` and shut down afterwards whatever `body` does.
/// Every sandbox has its own loopback addresses and state directory, so tests that each take one run in parallel.
public func withSandbox<T: Sendable>(
    _ topology: Topology,
    baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
    handlers: [String: LambdaHandler] = [:],
    clock: any SandboxClock = SystemClock(),
    _ body: (Sandbox) async throws -> T
) async throws -> T {
    try await withSandbox(
        try await Sandbox.start(topology, baseDirectory: baseDirectory, handlers: handlers, clock: clock),
        body
    )
}

/// Runs `body` with a sandbox already started (by a test's own helper), and shuts it down afterwards, awaited,
/// whatever `body` does: `try await withSandbox(try await Self.start()) { sandbox in … }`.
public func withSandbox<T: Sendable>(_ sandbox: Sandbox, _ body: (Sandbox) async throws -> T) async throws -> T {
    do {
        let result = try await body(sandbox)
        await sandbox.shutdown()
        return result
    } catch {
        await sandbox.shutdown()
        throw error
    }
}

/// `withSandbox` for a topology file, a CloudFormation/SAM template or Terraform JSON (paths in it relative to the
/// file); `handlers` bind Swift code to functions by name, or by logical id for a template's function the sandbox
/// cannot run.
public func withSandbox<T: Sendable>(
    file path: String,
    importing options: TopologySource.Options = .init(),
    handlers: [String: LambdaHandler] = [:],
    _ body: (Sandbox) async throws -> T
) async throws -> T {
    let loaded = try TopologySource.load(path: path, options: options)
    return try await withSandbox(loaded.topology, baseDirectory: loaded.baseDirectory, handlers: handlers, body)
}
