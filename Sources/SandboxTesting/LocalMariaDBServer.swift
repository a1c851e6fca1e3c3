import Foundation
import SandboxPKI

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway Debian `mariadbd` on a loopback port in a temporary data directory, with TLS from `ca`, and
/// one account (`user`/`password`, mysql_native_password) with all rights on schema `app`. Blocking: start
/// it off the Swift cooperative pool.
public final class LocalMariaDBServer: Sendable {  // immutable after start; stop() is idempotent
    public let port: Int
    public let directory: String
    public let user = "native"
    public let password = "native-pw"
    private let process: Process

    /// Why a local mariadbd could not be started (the tests skip with this reason).
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public static func start(ca: CertificateAuthority) throws -> LocalMariaDBServer {
        for tool in ["/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw Unavailable(
                description: "\(tool) is missing; install mariadb-server (make deps) to run against a real server"
            )
        }
        let directory = NSTemporaryDirectory() + "cloudsandbox-mariadbd-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = try ca.issueServerCertificate(
            commonName: "mariadb",
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"]
        )
        try certificate.certificatePEM.write(toFile: "\(directory)/cert.pem", atomically: true, encoding: .utf8)
        try certificate.privateKeyPEM.write(toFile: "\(directory)/key.pem", atomically: true, encoding: .utf8)
        try ca.certificatePEM.write(toFile: "\(directory)/ca.pem", atomically: true, encoding: .utf8)
        let install = try Self.run(
            "/usr/bin/mariadb-install-db",
            [
                "--no-defaults", "--datadir=\(directory)/data", "--user=\(NSUserName())",
                "--auth-root-authentication-method=socket", "--skip-test-db",
            ]
        )
        guard install == 0 else {
            throw Unavailable(description: "mariadb-install-db failed (\(install)); a working mariadb-server is needed")
        }
        let port = LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mariadbd")
        process.arguments = [
            "--no-defaults", "--datadir=\(directory)/data", "--socket=\(directory)/sock", "--port=\(port)",
            "--bind-address=127.0.0.1", "--user=\(NSUserName())", "--pid-file=\(directory)/pid",
            "--log-error=\(directory)/error.log",
            "--skip-log-bin", "--innodb-buffer-pool-size=16M", "--ssl-cert=\(directory)/cert.pem",
            "--ssl-key=\(directory)/key.pem", "--ssl-ca=\(directory)/ca.pem",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = LocalMariaDBServer(port: port, directory: directory, process: process)
        let setup =
            "CREATE USER 'native'@'%' IDENTIFIED BY 'native-pw'; CREATE DATABASE app; GRANT ALL ON app.* TO "
            + "'native'@'%';"
        for _ in 0..<100 {
            if try Self.run("/usr/bin/mariadb", ["--no-defaults", "--socket=\(directory)/sock", "-uroot", "-e", setup])
                == 0
            {
                return server
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        server.stop()
        throw Unavailable(description: "mariadbd did not come up within 20 s; see \(directory)/error.log")
    }

    private init(port: Int, directory: String, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    public func stop() {
        if self.process.isRunning {
            self.process.terminate()
            self.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        try Subprocess.run([tool] + arguments).status
    }
}
