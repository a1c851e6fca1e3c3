import Logging
import NIOConcurrencyHelpers
import SandboxLifecycle
import XCTest

@testable import CloudSandbox

/// The sandbox's one service group: start order, reverse stop order, and what a failure does.
final class SandboxServicesTests: XCTestCase {
    struct Crash: Error, Equatable { var service: String }

    /// A server that records what happens to it; it fails to bind with `bindError`, and ends with `Crash` once `crash`
    /// completes.
    struct Recorder: ListeningService {
        let name: String
        let events: NIOLockedValueBox<[String]>
        var bindError: Crash?
        let listening = Readiness<Int>()
        let crash = Readiness<Void>()
        let finished = Readiness<Void>()

        func run() async throws {
            defer { self.finished.succeed(()) }
            if let bindError {
                self.listening.fail(bindError)
                throw bindError
            }
            self.events.withLockedValue { $0.append("start \(self.name)") }
            self.listening.succeed(self.name.count)
            await untilShutdown(or: self.crash)
            self.events.withLockedValue { $0.append("stop \(self.name)") }
            if self.crash.result != nil { throw Crash(service: self.name) }
        }
    }

    private let events = NIOLockedValueBox<[String]>([])

    private func services() -> SandboxServices {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let events = self.events
        return SandboxServices(
            resources: HeldResource(name: "resources") { events.withLockedValue { $0.append("released") } },
            logger: logger
        )
    }

    private func recorder(_ name: String, bindError: Crash? = nil) -> Recorder {
        Recorder(name: name, events: self.events, bindError: bindError)
    }

    func testServicesStopInTheReverseOrderOfTheirStartAndResourcesLast() async throws {
        let services = self.services()
        for name in ["database", "proxy", "api"] { try await services.start(self.recorder(name), name: name) }
        await services.shutdown()
        XCTAssertEqual(
            self.events.withLockedValue { $0 },
            ["start database", "start proxy", "start api", "stop api", "stop proxy", "stop database", "released"]
        )
        XCTAssertNil(services.failure)
    }

    func testAServiceThatCannotStartThrowsItsErrorAndTheOnesBeforeItStop() async throws {
        let services = self.services()
        try await services.start(self.recorder("database"), name: "database")
        do {
            try await services.start(self.recorder("proxy", bindError: Crash(service: "proxy")), name: "proxy")
            XCTFail("the proxy started")
        } catch let error as Crash {
            XCTAssertEqual(error, Crash(service: "proxy"))
        }
        let failure = try await services.untilStopped()
        XCTAssertEqual(failure as? Crash, Crash(service: "proxy"))
        XCTAssertEqual(self.events.withLockedValue { $0 }, ["start database", "stop database", "released"])
        do {
            try await services.start(self.recorder("late"), name: "late")
            XCTFail("a service started after the group stopped")
        } catch let error as Crash {
            XCTAssertEqual(error, Crash(service: "proxy"), "a start after the stop is told why the group stopped")
        }
        await services.shutdown()
    }

    func testAServiceThatFailsWhileRunningTakesTheRestDownAndIsKeptAsTheFailure() async throws {
        let services = self.services()
        let database = self.recorder("database")
        let proxy = self.recorder("proxy")
        let api = self.recorder("api")
        for server in [database, proxy, api] { try await services.start(server, name: server.name) }
        proxy.crash.succeed(())
        let failure = try await services.untilStopped()
        XCTAssertEqual(failure as? Crash, Crash(service: "proxy"))
        XCTAssertEqual(services.failure as? Crash, Crash(service: "proxy"))
        XCTAssertEqual(
            self.events.withLockedValue { $0 },
            ["start database", "start proxy", "start api", "stop proxy", "stop api", "stop database", "released"]
        )
        await services.shutdown()
    }

    func testAServiceThatEndsAloneLeavesTheOthersRunning() async throws {
        let services = self.services()
        try await services.start(self.recorder("proxy"), name: "proxy")
        let endpoint = self.recorder("endpoint")
        try await services.start(endpoint, name: "endpoint", endsAlone: true)
        endpoint.crash.succeed(())
        try await endpoint.finished.value
        XCTAssertEqual(self.events.withLockedValue { $0 }, ["start proxy", "start endpoint", "stop endpoint"])
        XCTAssertNil(services.failure)
        try await services.start(self.recorder("api"), name: "api")
        await services.shutdown()
        XCTAssertEqual(self.events.withLockedValue { $0 }.suffix(3), ["stop api", "stop proxy", "released"])
    }
}
