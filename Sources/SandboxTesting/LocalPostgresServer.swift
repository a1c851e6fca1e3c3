import Foundation

/// A throwaway Debian PostgreSQL 15 (`postgres`) on a loopback port in a temporary data directory, with one account
/// (`user`/`password`, SCRAM-SHA-256) owning database `items`. Run as the `postgres` account when this process is
/// root (initdb refuses root). Blocking: start it off the Swift cooperative pool.
public final class LocalPostgresServer: Sendable {  // immutable after start; stop() is idempotent
    public let port: Int
    public let directory: String
    public let user = "app"
    public let password = "app-pw"
    private static let bin = "/usr/lib/postgresql/15/bin"

    /// Why a local PostgreSQL could not be started.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public static func start() throws -> LocalPostgresServer {
        guard FileManager.default.isExecutableFile(atPath: "\(Self.bin)/postgres") else {
            throw Unavailable(
                description:
                    "\(Self.bin)/postgres is missing; install Debian's postgresql to measure against PostgreSQL 15"
            )
        }
        let directory = NSTemporaryDirectory() + "cloudsandbox-postgres-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "super-pw\n".write(toFile: "\(directory)/pwfile", atomically: true, encoding: .utf8)
        if getuid() == 0 { _ = try Subprocess.run(["chown", "-R", "postgres", directory]) }
        let port = LoopbackPort.free()
        let initdb = try Self.run([
            "\(Self.bin)/initdb", "-D", "\(directory)/data", "-U", "postgres", "-A", "scram-sha-256",
            "--pwfile=\(directory)/pwfile", "-E", "UTF8",
        ])
        guard initdb.status == 0 else { throw Unavailable(description: "initdb failed: \(initdb.stderr)") }
        let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        let started = try Self.run([
            "\(Self.bin)/pg_ctl", "-D", "\(directory)/data", "-o", options, "-l", "\(directory)/log", "-w", "-t", "30",
            "start",
        ])
        let server = LocalPostgresServer(port: port, directory: directory)
        guard started.status == 0 else {
            server.stop()
            throw Unavailable(description: "pg_ctl start failed: \(started.stderr)")
        }
        let setup = try Psql.runNow(
            .init(host: "127.0.0.1", port: port, user: "postgres", password: "super-pw", database: "postgres"),
            ["CREATE ROLE app LOGIN PASSWORD 'app-pw'", "CREATE DATABASE items OWNER app"]
        )
        guard setup.status == 0 else {
            server.stop()
            throw Unavailable(description: "creating the app role and database failed: \(setup.stderr)")
        }
        return server
    }

    private init(port: Int, directory: String) {
        self.port = port
        self.directory = directory
    }

    public func stop() {
        _ = try? Self.run(["\(Self.bin)/pg_ctl", "-D", "\(self.directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// `arguments` as the postgres account when this process is root.
    private static func run(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments)
    }
}
