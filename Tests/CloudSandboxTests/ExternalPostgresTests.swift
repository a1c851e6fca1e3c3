import CloudSandbox
import Foundation
import SandboxTesting
import XCTest

/// A real PostgreSQL 15 (Debian's `postgresql`, started for the test on a loopback port) as an external target
/// behind an RDS Proxy for PostgreSQL: the proxy logs in to it with the secret's password (SCRAM-SHA-256, as
/// PostgreSQL 15 stores passwords), reports it healthy, and psql reaches it through the proxy.
final class ExternalPostgresTests: XCTestCase {
    func testARealPostgreSQLBehindTheProxy() async throws {
        let server = try await Subprocess.offThread { try LocalPostgresServer.start() }
        defer { server.stop() }
        let trust =
            #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "#
            + #""rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#
        let read =
            #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "#
            + #""secretsmanager:GetSecretValue", "Resource": "*"}]}"#
        let topology = try TopologyLoader.parse(
            """
            databases:
              - id: real-pg
                engine: postgres
                users: [{name: \(server.user), password: \(server.password)}]
                databases: [items]
                external: {host: 127.0.0.1, port: \(server.port)}
            iam:
              roles: [{name: proxy-role, trustPolicy: \(trust), policies: {read: \(read)}}]
            secrets: [{name: real-pg/app, database: {instance: real-pg, user: \(server.user)}}]
            proxies: [{name: real-proxy, role: proxy-role, auth: [{secret: real-pg/app}], target: real-pg, \
            requireTLS: true}]
            """
        )
        try await withSandbox(
            try await Sandbox.start(topology, baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()))
        ) { sandbox in
            let proxy = try XCTUnwrap(sandbox.endpoints.proxies?["real-proxy"])
            XCTAssertEqual(proxy.engineFamily, "POSTGRESQL")
            XCTAssertEqual(sandbox.account.dbProxy(named: "real-proxy")?.targets.map(\.state), [.available])
            let psql = try await Psql.run(
                .init(
                    host: proxy.host,
                    port: proxy.port,
                    user: server.user,
                    password: server.password,
                    database: "items",
                    sslMode: "verify-full",
                    rootCertificate: proxy.caBundle
                ),
                ["SELECT current_user, current_setting('server_version_num')::int / 10000, inet_server_port()"]
            )
            XCTAssertEqual(psql.stdout, "\(server.user)|15|\(server.port)\n", psql.stderr)
        }
    }
}
