import Foundation
import SandboxMariaDBClient
import SandboxTesting

/// Debian's sysbench against the scripted backend and a real MariaDB in the same run: transactions per second
/// and errors per transaction, with the ratio, at 1 and 4 threads (the step 11 goals'). A point select is short,
/// so it runs ten times the events of a read-write transaction: 500 of them took 40–80 ms, too short a run to
/// compare on a shared machine.
enum SysbenchBench {
    static func run(_ targets: [SandboxBench.Target]) async throws {
        var report = Report([
            "sysbench", "threads", "events", "scripted tx/s", "errors/tx", "MariaDB tx/s", "errors/tx",
            "scripted / MariaDB",
        ])
        let runs = [
            ("oltp_read_write", 1, 500), ("oltp_read_write", 4, 500), ("oltp_point_select", 1, 5_000),
            ("oltp_point_select", 4, 5_000),
        ]
        for (workload, threads, events) in runs {
            var figures: [Sysbench.Figures] = []
            for target in targets {
                figures.append(
                    try await MariaDB.offload {
                        try Sysbench.run(
                            workload,
                            host: target.host,
                            port: target.port,
                            user: target.user,
                            password: target.password,
                            database: "app",
                            threads: threads,
                            events: events
                        )
                    }
                )
            }
            let real = figures.count > 1 ? figures[1] : nil
            report.add([
                workload, "\(threads)", "\(events)", format(figures[0].perSecond),
                String(format: "%.3f", figures[0].errorsPerTransaction),
                format(real?.perSecond), real.map { String(format: "%.3f", $0.errorsPerTransaction) } ?? "n/a",
                format(real.map { figures[0].perSecond / $0.perSecond }),
            ])
        }
        report.print()
    }
}
