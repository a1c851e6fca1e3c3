import CloudSandbox
import Foundation
import Logging
import NIOConcurrencyHelpers
import SandboxTesting

/// A 1 GB result (a million 1,000-byte rows from a real MariaDB) read by the `mariadb` CLI with `--quick` (row by
/// row) in its own process, straight from the server and through the proxy: time, rate, and the peak growth of
/// this process's resident memory while the proxy relays it (the server and the client run elsewhere).
enum StreamingBench {
    static let rows = 1_000_000
    /// MariaDB stops a recursive CTE after max_recursive_iterations (1,000 by default since 10.6).
    static let sql =
        "SET SESSION max_recursive_iterations = \(rows + 1); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + "
        + "1 FROM n WHERE i < \(rows)) SELECT i, REPEAT('x', 1000) FROM n"

    static func run(real: LocalMariaDBServer, logger: Logger) async throws {
        let role =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"#
            + #""Action":"sts:AssumeRole"}]}"#
        let read =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","#
            + #""Resource":"*"}]}"#
        let topology = Topology(
            databases: [
                .init(
                    id: "real",
                    users: [.init(name: real.user, password: real.password)],
                    databases: ["app"],
                    external: .init(host: "127.0.0.1", port: real.port)
                )
            ],
            iam: .init(roles: [
                .init(name: "proxy-role", trustPolicy: JSONText(role), policies: ["read": JSONText(read)])
            ]),
            secrets: [.init(name: "real/app", database: .init(instance: "real", user: real.user))],
            proxies: [.init(name: "stream", role: "proxy-role", auth: [.init(secret: "real/app")], target: "real")]
        )
        let sandbox = try await Sandbox.start(topology, logger: logger)
        return try await withSandbox(sandbox) { sandbox in
            let proxy = sandbox.endpoints.proxies!["stream"]!

            let direct = try await Self.read(
                host: "127.0.0.1",
                port: real.port,
                user: real.user,
                password: real.password
            )
            let baseline = ProxyBench.residentKiB()
            let proxied = try await Self.read(
                host: proxy.host,
                port: proxy.port,
                user: real.user,
                password: real.password
            )
            let gigabytes = Double(Self.rows) * 1_000 / 1e9
            var report = Report([
                "1 GB result, mariadb --quick", "seconds", "MB/s", "peak growth of this process (MiB)",
            ])
            report.add([
                "straight from MariaDB", format(direct.seconds), format(gigabytes * 1_000 / direct.seconds), "-",
            ])
            report.add([
                "through the proxy", format(proxied.seconds), format(gigabytes * 1_000 / proxied.seconds),
                format(Double(proxied.peakKiB - baseline) / 1024),
            ])
            report.print()
            print(
                "proxy / direct time: \(format(proxied.seconds / direct.seconds)) (resident memory before: "
                    + "\(baseline / 1024) MiB)"
            )
        }
    }

    /// Runs the CLI with its output counted by `wc -c` (≤ 300 s), sampling this process's resident memory every 20 ms.
    static func read(
        host: String,
        port: Int,
        user: String,
        password: String
    ) async throws -> (seconds: Double, peakKiB: Int) {
        let command =
            "/usr/bin/mariadb --no-defaults --quick --batch --skip-column-names --skip-ssl -h \(host) -P \(port) "
            + "-u \(user) app "
            + "-e \"\(Self.sql)\" | /usr/bin/wc -c"
        let done = NIOLockedValueBox(false)
        let clock = ContinuousClock()
        let start = clock.now
        async let finished = { () async throws -> Subprocess.Result in
            defer { done.withLockedValue { $0 = true } }
            return try await Subprocess.runOffThread(
                ["/usr/bin/timeout", "300", "/bin/sh", "-c", command],
                environment: ["MYSQL_PWD": password]
            )
        }()
        var peak = ProxyBench.residentKiB()
        while !done.withLockedValue({ $0 }), clock.now - start < .seconds(310) {
            peak = max(peak, ProxyBench.residentKiB())
            try await Task.sleep(for: .milliseconds(20))
        }
        let result = try await finished
        let bytes = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        guard result.status == 0, bytes > Self.rows * 1_000 else {
            throw BenchFailure("mariadb --quick through \(host):\(port) read \(bytes) bytes: \(result.stderr)")
        }
        return (Measure.seconds(clock.now - start), peak)
    }
}
