import Foundation

/// Runs PostgreSQL's `psql` (libpq) against a server, as a user types it: for tests of the scripted PostgreSQL
/// backend and of an RDS Proxy for PostgreSQL.
public enum Psql {
    /// What to connect to. The password goes through PGPASSWORD (never the command line); `sslMode` is libpq's
    /// (`disable`, `require`, `verify-full` with `rootCertificate`); `options` is PGOPTIONS.
    public struct Target: Sendable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String
        public var database: String
        public var sslMode: String
        public var rootCertificate: String?
        public var options: String?

        public init(
            host: String,
            port: Int,
            user: String,
            password: String,
            database: String,
            sslMode: String = "disable",
            rootCertificate: String? = nil,
            options: String? = nil
        ) {
            (self.host, self.port, self.user, self.password, self.database) = (host, port, user, password, database)
            (self.sslMode, self.rootCertificate, self.options) = (sslMode, rootCertificate, options)
        }
    }

    /// Each of `commands` as one `-c`, stopping at the first error; output unaligned, tuples only, no command tags.
    public static func run(_ target: Target, _ commands: [String]) async throws -> Subprocess.Result {
        try await Subprocess.runOffThread(Self.arguments(target, commands), environment: Self.environment(target))
    }

    /// `run` on the calling thread (blocking).
    public static func runNow(_ target: Target, _ commands: [String]) throws -> Subprocess.Result {
        try Subprocess.run(Self.arguments(target, commands), environment: Self.environment(target))
    }

    /// libpq's environment for `target` (PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGOPTIONS), as psql and pgbench read it.
    public static func environment(_ target: Target) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = target.password
        environment["PGSSLMODE"] = target.sslMode
        environment["PGCONNECT_TIMEOUT"] = "10"
        environment["PGSSLROOTCERT"] = target.rootCertificate ?? "/nonexistent"
        environment["PGOPTIONS"] = target.options
        return environment
    }

    private static func arguments(_ target: Target, _ commands: [String]) -> [String] {
        [
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", target.host, "-p", String(target.port),
            "-U", target.user, "-d", target.database,
        ] + commands.flatMap { ["-c", $0] }
    }
}
