import CloudSandbox
import Foundation
import NIOCore
import NIOSSL
import SandboxPKI
import SandboxPostgresNIO

extension Endpoints {
    /// A PostgreSQL connection configured as `probe` says, with the sandbox's client (as libpq behaves): to an RDS
    /// Proxy for PostgreSQL or a postgres instance, with an IAM token (signed as the probe asks, for 5432 by default)
    /// or a password, over TLS verified with the probe's CA bundle (or unverified without one), the probe's startup
    /// `options`, from the operator host or another host; into `probe.database`, else `postgres`.
    public func connectPostgres(_ probe: ConnectProbe, timeout: UInt32 = 5) async throws -> PostgresClientConnection {
        guard let target = self.address(of: probe.target) else {
            throw ProbeFailure("no proxy, instance or cluster '\(probe.target)' in the sandbox")
        }
        let password = try self.password(for: probe, endpoint: target.endpoint, defaultPort: 5432)
        var tls: ClientTLS?
        if probe.tls {
            if let file = self.caFile(for: probe, target: target) {
                tls = try ClientTLS.trusting(
                    caPEM: String(contentsOfFile: file, encoding: .utf8),
                    serverHostname: target.endpoint
                )
            } else {
                var unverified = TLSConfiguration.makeClientConfiguration()
                unverified.certificateVerification = .none
                tls = ClientTLS(configuration: unverified)
            }
        }
        return try await PostgresClientConnection.connect(
            host: target.host,
            port: target.port,
            configuration: .init(
                user: probe.user,
                password: password,
                database: probe.database ?? "postgres",
                parameters: probe.options.map { [("options", $0)] } ?? []
            ),
            tls: tls,
            sourceAddress: try probe.from.map { try SocketAddress(ipAddress: self.loopback(of: $0), port: 0) },
            connectTimeout: .seconds(Int64(timeout))
        )
    }
}

/// A probe that could not be made as written (an unknown target).
struct ProbeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
