import Foundation

/// Debian's `sysbench` against a MySQL server on loopback: prepare one table, run a fixed number of events,
/// clean up; transactions per second and errors per transaction, as sysbench reports them.
public enum Sysbench {
    public struct Figures: Sendable, CustomStringConvertible {
        public var transactions: Int
        public var perSecond: Double
        public var errors: Int
        public var errorsPerTransaction: Double {
            self.transactions == 0 ? 0 : Double(self.errors) / Double(self.transactions)
        }
        public var description: String {
            "\(self.transactions) transactions, \(self.perSecond)/s, \(self.errors) errors"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `workload` (`oltp_read_write`, `oltp_point_select`) with `threads` for `events` events (≤ 120 s).
    public static func run(
        _ workload: String,
        host: String,
        port: Int,
        user: String,
        password: String,
        database: String,
        threads: Int,
        events: Int,
        tableSize: Int = 1_000
    ) throws -> Figures {
        let common = [
            "sysbench", workload, "--db-driver=mysql", "--mysql-host=\(host)", "--mysql-port=\(port)",
            "--mysql-user=\(user)",
            "--mysql-password=\(password)", "--mysql-db=\(database)", "--mysql-ssl=off", "--tables=1",
            "--table-size=\(tableSize)",
        ]
        let prepared = try Subprocess.run(common + ["prepare"])
        guard prepared.status == 0 else {
            throw Failure(description: "sysbench prepare failed: \(prepared.stdout)\(prepared.stderr)")
        }
        defer { _ = try? Subprocess.run(common + ["cleanup"]) }
        let result = try Subprocess.run(common + ["--threads=\(threads)", "--events=\(events)", "--time=120", "run"])
        guard result.status == 0 else {
            throw Failure(description: "sysbench run failed: \(result.stdout)\(result.stderr)")
        }
        func figure(_ label: String) -> (Int, Double)? {
            // "    transactions:                        400    (49.73 per sec.)"
            guard
                let line = result.stdout.split(separator: "\n").first(where: {
                    $0.trimmingCharacters(in: .whitespaces).hasPrefix(label)
                })
            else { return nil }
            let numbers = line.split(whereSeparator: { " ():".contains($0) }).compactMap { Double($0) }
            return numbers.count >= 2 ? (Int(numbers[0]), numbers[1]) : nil
        }
        guard let transactions = figure("transactions:"), let errors = figure("ignored errors:") else {
            throw Failure(description: "cannot read sysbench's report: \(result.stdout)")
        }
        return Figures(transactions: transactions.0, perSecond: transactions.1, errors: errors.0)
    }
}
