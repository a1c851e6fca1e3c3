import Foundation

/// Runs a command to completion and captures its output; for tests that drive real clients (`mariadb`,
/// `aws`, `python3` with boto3) and set-up tools.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `arguments` (looked up on PATH) and waits. Blocking: see `runOffThread` from async code.
    /// stderr is drained on its own thread so a chatty stderr cannot fill its pipe while stdout is read.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderrData = LockedData()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderrData.get(), as: UTF8.self))
    }

    /// `run` on a GCD thread, so the Swift cooperative pool stays free for the servers under test.
    public static func runOffThread(_ arguments: [String], environment: [String: String]? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try run(arguments, environment: environment) }) }
        }
    }

    private final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { self.lock.withLock { self.data = value } }
        func get() -> Data { self.lock.withLock { self.data } }
    }
}
