import Foundation
import MariaDBClient
import SandboxTesting

/// Debian's sysbench against the scripted backend and a real MariaDB in the same run: transactions per second
/// and errors per transaction, with the ratio.
enum SysbenchBench {
    static func run(_ targets: [SandboxBench.Target]) async throws {
        var report = Report(["sysbench (500 events)", "threads", "scripted tx/s", "errors/tx", "MariaDB tx/s", "errors/tx", "scripted / MariaDB"])
        for (workload, threads) in [("oltp_read_write", 1), ("oltp_read_write", 8), ("oltp_point_select", 1), ("oltp_point_select", 8)] {
            var figures: [Sysbench.Figures] = []
            for target in targets {
                figures.append(try await MariaDB.offload {
                    try Sysbench.run(workload, host: target.host, port: target.port, user: target.user, password: target.password,
                                     database: "app", threads: threads, events: 500)
                })
            }
            let real = figures.count > 1 ? figures[1] : nil
            report.add([workload, "\(threads)", format(figures[0].perSecond), String(format: "%.3f", figures[0].errorsPerTransaction),
                        format(real?.perSecond), real.map { String(format: "%.3f", $0.errorsPerTransaction) } ?? "n/a",
                        format(real.map { figures[0].perSecond / $0.perSecond })])
        }
        report.print()
    }
}
