import Foundation
import Logging
import SandboxTesting
import Synchronization
import XCTest

@testable import SandboxAudit

/// The audit log on its own: what the handler records (only tagged decisions, secrets redacted), queries, the
/// state file shared with the sqlite3 CLI, and a second sandbox refused on a file in use.
final class AuditLogTests: XCTestCase {
    func testTheHandlerRecordsTaggedDecisionsWithSecretsRedacted() throws {
        let log = try AuditLog()
        defer { log.close() }
        let logger = Logger(label: "test") { _ in AuditLogHandler(log) }
        logger.info("HTTP API listening")  // not a decision
        logger.info(
            "login refused",
            metadata: ["mysql.password": "hunter2"].adding(
                decision: .login,
                subject: "app",
                outcome: "refused",
                reason: "the IAM token is for another host"
            )
        )
        logger.debug(
            "token seen https://db:3306/?Action=connect&X-Amz-Credential=AKIA/x&X-Amz-Signature=abcdef",
            metadata: Logger.Metadata().adding(decision: .login, subject: "app", outcome: "accepted")
        )
        logger.debug(
            "connection admitted",
            metadata: Logger.Metadata().adding(decision: .connection, subject: "a → b:3306", outcome: "accepted")
        )
        let events = log.events()
        XCTAssertEqual(events.map(\.kind), [.login, .login, .connection])
        XCTAssertEqual(events.map(\.id), [1, 2, 3])
        XCTAssertEqual(events[0].reason, "the IAM token is for another host")
        XCTAssertEqual(events[0].details["mysql.password"], "<redacted>")
        XCTAssertEqual(
            events[1].details["message"],
            "token seen https://db:3306/?Action=connect&X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>"
        )
        XCTAssertEqual(events[0].component, "AuditTests", "the module without the package prefix")
        XCTAssertEqual(log.events(.init(kind: .login, outcome: "refused")).map(\.id), [1])
        XCTAssertEqual(log.events(.init(after: 1, containing: "a → b")).map(\.id), [3])
        XCTAssertEqual(log.events(.init(limit: 2)).map(\.id), [2, 3], "the newest, oldest first")
    }

    func testASandboxLoggerRecordsEveryDecisionTypedAndShowsTheConsoleOnlyItsLevel() throws {
        let log = try AuditLog()
        defer { log.close() }
        let console = ConsoleRecorder()
        var logger = Logger(label: "test") { _ in SandboxLogHandler(console: console, audit: log) }
        logger.logLevel = .info
        logger.decide(
            .login,
            subject: "app",
            outcome: "accepted",
            "login accepted",
            metadata: ["mysql.user": "app", "token": "secret-token"]
        )
        logger.decide(
            .login,
            subject: "app",
            outcome: "refused",
            reason: "the IAM token expired",
            level: .info,
            "login refused"
        )
        logger.debug("a per-request line")  // below the console's level: not formatted, not recorded
        let events = log.events()
        XCTAssertEqual(
            events.map(\.outcome),
            ["accepted", "refused"],
            "a decision is recorded whatever the console's level"
        )
        XCTAssertEqual(events[0].details["mysql.user"], "app")
        XCTAssertEqual(events[0].details["token"], "<redacted>")
        XCTAssertEqual(events[0].details["message"], "login accepted")
        XCTAssertEqual(events[1].component, "AuditTests")
        XCTAssertEqual(console.messages, ["login refused"], "the console shows only what reaches its level")
        // On a logger that is not a sandbox's, the decision travels in the metadata to an AuditLogHandler.
        let plain = Logger(label: "plain") { _ in AuditLogHandler(log) }
        plain.decide(.request, subject: "api GET /", outcome: "200", "HTTP API request")
        XCTAssertEqual(log.events(.init(kind: .request)).map(\.subject), ["api GET /"])
    }

    func testTheOldestEventsGoPastTheCapacity() throws {
        let log = try AuditLog(capacity: 20)
        defer { log.close() }
        for index in 1...55 {
            log.record(AuditEvent(component: "T", kind: .request, subject: "\(index)", outcome: "200", reason: ""))
        }
        let ids = log.events().map(\.id)
        XCTAssertEqual(ids.last, 55)
        XCTAssertTrue((20...22).contains(ids.count), "\(ids)")
        XCTAssertEqual(ids.first, 55 - Int64(ids.count) + 1, "the newest are kept")
    }

    func testTheOldestBatchesGoPastTheByteLimit() throws {
        let log = try AuditLog(byteLimit: 10_000)
        defer { log.close() }
        let reason = String(repeating: "r", count: 1_000)
        for index in 1...100 {
            log.record(AuditEvent(component: "T", kind: .request, subject: "\(index)", outcome: "200", reason: reason))
            log.flush()  // one batch each
        }
        let ids = log.events().map(\.id)
        XCTAssertEqual(ids.last, 100, "the newest are kept")
        XCTAssertTrue((8...10).contains(ids.count), "about 10,000 bytes of 1,100-byte events: \(ids)")
        XCTAssertEqual(ids, Array(ids.first!...100))
    }

    func testAStateFileIsReadWithTheSQLiteCLIAndHeldByOneSandbox() throws {
        let path = Self.temporaryStateFile()
        defer { Self.remove(path) }
        let log = try AuditLog(path: path)
        log.record(
            AuditEvent(
                component: "RDSProxy",
                kind: .login,
                subject: "app",
                outcome: "refused",
                reason: "no rds-db:connect"
            )
        )
        XCTAssertThrowsError(try AuditLog(path: path)) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "is in use by another sandbox (pid \(getpid())); stop it with `sandbox down` or choose another "
                        + "--state"
                ),
                "\(error)"
            )
        }
        log.flush()
        let cli = try Subprocess.run(["sqlite3", path, "SELECT component, kind, subject, outcome, reason FROM events"])
        XCTAssertEqual(cli.stdout, "RDSProxy|login|app|refused|no rds-db:connect\n", cli.stderr)
        log.record(
            AuditEvent(
                component: "RDSProxy",
                kind: .login,
                subject: "app",
                outcome: "accepted",
                reason: "written at close"
            )
        )
        log.close()
        let again = try AuditLog(path: path)
        XCTAssertEqual(
            again.events().map(\.reason),
            ["no rds-db:connect", "written at close"],
            "a stopped sandbox's file is reopened with its events"
        )
        again.record(AuditEvent(component: "T", kind: .request, subject: "after reopening", outcome: "200", reason: ""))
        XCTAssertEqual(again.events().map(\.id), [1, 2, 3], "ids go on from the file's")
        again.close()
    }

    /// Run as a service, the log writes what is recorded without a read asking for it; run twice at once (one log
    /// handed to two groups), one run writes and the other waits.
    func testTheWriterServiceWritesBatchesByItself() async throws {
        let path = Self.temporaryStateFile()
        defer { Self.remove(path) }
        let log = try AuditLog(path: path)
        defer { log.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await log.run() }
            group.addTask { await log.run() }
            defer { group.cancelAll() }
            for index in 1...3 {
                log.record(AuditEvent(component: "T", kind: .request, subject: "\(index)", outcome: "200", reason: ""))
            }
            try await waitUntil("the sqlite3 CLI sees three events") {
                try await Subprocess.runOffThread(["sqlite3", path, "SELECT COUNT(*) FROM events"]).stdout == "3\n"
            }
        }
    }

    /// With no writer running, the queue stays within its bound: the recorder that fills it writes it.
    func testAFullQueueIsWrittenByTheRecorder() throws {
        let path = Self.temporaryStateFile()
        defer { Self.remove(path) }
        let log = try AuditLog(path: path)
        defer { log.close() }
        let reason = String(repeating: "r", count: 1_024)
        let count = AuditLog.queueLimit / 1_024 + 10
        for index in 1...count {
            log.record(AuditEvent(component: "T", kind: .request, subject: "\(index)", outcome: "200", reason: reason))
        }
        let written =
            Int(
                try Subprocess.run(["sqlite3", path, "SELECT COUNT(*) FROM events"]).stdout.trimmingCharacters(
                    in: .whitespacesAndNewlines
                )
            ) ?? 0
        XCTAssertGreaterThan(written, 0, "written once the queue passed \(AuditLog.queueLimit) bytes")
        XCTAssertLessThan(count - written, AuditLog.queueLimit / 1_024, "what is still queued fits the bound")
        XCTAssertEqual(log.events(.init(limit: 1)).map(\.id), [Int64(count)], "a read writes the rest first")
    }

    private static func temporaryStateFile() -> String {
        NSTemporaryDirectory() + "audit-\(UUID().uuidString.prefix(8)).db"
    }

    private static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// A console handler that keeps the messages it was given.
private struct ConsoleRecorder: LogHandler {
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
    }

    let lines = Lines()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    var messages: [String] { self.lines.all.withLock { $0 } }

    func log(event: LogEvent) { self.lines.all.withLock { $0.append("\(event.message)") } }
}
