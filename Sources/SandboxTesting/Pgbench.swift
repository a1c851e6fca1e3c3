import Foundation

/// Debian's `pgbench` against a PostgreSQL server on loopback: its tables at scale 1 made with plain SQL (pgbench's
/// own `-i` loads with COPY), then a timed run of the select-only (`-S`) or the default TPC-B-like script.
public enum Pgbench {
    public struct Figures: Sendable {
        public var transactions: Int
        public var perSecond: Double
        public var failed: Int
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// pgbench's four tables at scale 1 (1 branch, 10 tellers, 100,000 accounts), in SQL both PostgreSQL and the
    /// scripted backend run.
    public static let tablesSQL = """
        DROP TABLE IF EXISTS pgbench_history; DROP TABLE IF EXISTS pgbench_tellers; DROP TABLE IF EXISTS
            pgbench_accounts; DROP TABLE IF EXISTS pgbench_branches;
        CREATE TABLE pgbench_branches (bid INT PRIMARY KEY, bbalance INT, filler CHAR(88));
        CREATE TABLE pgbench_tellers (tid INT PRIMARY KEY, bid INT, tbalance INT, filler CHAR(84));
        CREATE TABLE pgbench_accounts (aid INT PRIMARY KEY, bid INT, abalance INT, filler CHAR(84));
        CREATE TABLE pgbench_history (tid INT, bid INT, aid INT, delta INT, mtime TIMESTAMP, filler CHAR(22));
        INSERT INTO pgbench_branches VALUES (1, 0, '');
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 10) INSERT INTO pgbench_tellers
            SELECT n, 1, 0, '' FROM s;
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100000) INSERT INTO
            pgbench_accounts SELECT n, 1, 0, '' FROM s;
        """

    /// Runs pgbench for `seconds` with `clients` (`selectOnly`: `-S`), as `target.user`; `-n`: no vacuum.
    public static func run(_ target: Psql.Target, selectOnly: Bool, clients: Int, seconds: Int) throws -> Figures {
        let arguments =
            [
                "pgbench", "-n", "-h", target.host, "-p", String(target.port), "-U", target.user, "-c", String(clients),
                "-j", String(min(clients, 2)),
                "-T", String(seconds), "--max-tries=10",
            ] + (selectOnly ? ["-S"] : []) + [target.database]
        let result = try Subprocess.run(arguments, environment: Psql.environment(target))
        guard result.status == 0 || result.stdout.contains("number of transactions actually processed") else {
            throw Failure(description: "pgbench failed: \(result.stdout)\(result.stderr)")
        }
        func number(after label: String) -> Double? {
            guard let line = result.stdout.split(separator: "\n").first(where: { $0.contains(label) }),
                let range = line.range(of: label)
            else { return nil }
            return line[range.upperBound...].split(whereSeparator: { " /(".contains($0) }).first.flatMap { Double($0) }
        }
        guard let processed = number(after: "number of transactions actually processed: "),
            let tps = number(after: "tps = ")
        else {
            throw Failure(description: "cannot read pgbench's report: \(result.stdout)\(result.stderr)")
        }
        return Figures(
            transactions: Int(processed),
            perSecond: tps,
            failed: Int(number(after: "number of failed transactions: ") ?? 0)
        )
    }
}
