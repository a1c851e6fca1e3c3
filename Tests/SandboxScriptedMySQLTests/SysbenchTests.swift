import Foundation
import SandboxMariaDBClient
import SandboxTesting
import XCTest

@testable import SandboxScriptedMySQL

/// Debian's sysbench, unmodified, against the scripted backend: the OLTP read/write mix at 1 and 8 threads
/// and point selects finish with no errors (no false deadlocks); a small fixed number of events each.
final class SysbenchTests: XCTestCase {
    func testOLTPWorkloadsRunWithoutErrors() async throws {
        let server = try await TestServer.start()
        addTeardownBlock { await server.shutdown() }
        for (workload, threads) in [("oltp_read_write", 1), ("oltp_read_write", 8), ("oltp_point_select", 8)] {
            let figures = try await MariaDB.offload {
                try Sysbench.run(
                    workload,
                    host: server.host,
                    port: server.port,
                    user: "native",
                    password: "native-pw",
                    database: "app",
                    threads: threads,
                    events: 120,
                    tableSize: 500
                )
            }
            XCTAssertEqual(figures.transactions, 120, "\(workload) at \(threads) threads: \(figures)")
            XCTAssertEqual(figures.errors, 0, "\(workload) at \(threads) threads: \(figures)")
        }
    }
}
