import Foundation
import Logging
import ServiceLifecycle

/// Runs a sandbox as a `Service`: starts it, writes the endpoints file once everything listens, reports
/// where things are, and shuts everything down on graceful shutdown (Ctrl-C in `sandbox up`). A server of the
/// sandbox that fails takes it down, and `run()` throws that failure (`sandbox up` exits with it).
public struct SandboxService: Service {
    public let topology: Topology
    public let baseDirectory: URL
    public let stateDirectory: URL?
    public let endpointsFile: String?
    /// Recorded in the endpoints file with this process's id, for `sandbox status` and `sandbox down`.
    public let topologyPath: String?
    public let logger: Logger
    /// The audit log's file (`--state PATH`); in memory when nil.
    public let auditFile: String?
    /// Called once the sandbox is up, before the endpoints file is written.
    public let onReady: @Sendable (Sandbox) -> Void

    public init(
        topology: Topology,
        baseDirectory: URL,
        stateDirectory: URL?,
        endpointsFile: String?,
        topologyPath: String? = nil,
        auditFile: String? = nil,
        logger: Logger,
        onReady: @escaping @Sendable (Sandbox) -> Void = { _ in }
    ) {
        self.auditFile = auditFile
        self.topologyPath = topologyPath
        self.topology = topology
        self.baseDirectory = baseDirectory
        self.stateDirectory = stateDirectory
        self.endpointsFile = endpointsFile
        self.logger = logger
        self.onReady = onReady
    }

    public func run() async throws {
        let sandbox = try await Sandbox.start(
            self.topology,
            baseDirectory: self.baseDirectory,
            stateDirectory: self.stateDirectory,
            logger: self.logger,
            audit: try self.auditFile.map { try AuditLog(path: $0) }
        )
        self.onReady(sandbox)
        if let endpointsFile {
            try? FileManager.default.removeItem(atPath: endpointsFile)
            var endpoints = sandbox.endpoints
            endpoints.process = .init(
                pid: ProcessInfo.processInfo.processIdentifier,
                started: ISO8601DateFormatter().string(from: Date()),
                topology: self.topologyPath ?? ""
            )
            try endpoints.write(to: endpointsFile)
            self.logger.info("endpoints written", metadata: ["sandbox.endpoints_file": "\(endpointsFile)"])
        }
        let failure = try? await cancelWhenGracefulShutdown { try await sandbox.untilStopped() }
        self.logger.info("shutting down")
        await sandbox.shutdown()
        if let endpointsFile { try? FileManager.default.removeItem(atPath: endpointsFile) }
        if let failure = failure ?? nil { throw failure }
    }
}
