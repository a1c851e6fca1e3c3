import Logging
import SandboxAWSCore
import SandboxFakeAWS
import SandboxLifecycle
import XCTest

extension XCTestCase {
    /// Runs `endpoint` on a group of its own until the test ends; returns it once it listens.
    func serve(_ endpoint: AWSEndpoint) async throws -> AWSEndpoint {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let running = try await RunningService(endpoint, logger: logger)
        addTeardownBlock { await running.stop() }
        return running.service
    }
}
