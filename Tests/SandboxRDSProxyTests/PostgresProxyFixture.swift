import Foundation
import NIOCore
import SandboxAWSCore
import SandboxLifecycle
import SandboxPKI
import SandboxPostgresNIO
import SandboxRDSProxy
import SandboxScriptedPostgres
import SandboxSigV4
import SandboxTesting

/// An RDS Proxy for PostgreSQL in front of the scripted PostgreSQL server (seeded with Fixtures/postgres/app.sql: three
/// items), with the account it runs in: `app` logs in
/// with IAM (REQUIRED), `admin` with its password by SCRAM-SHA-256, `legacy` by MD5. proxy-role reads the secrets;
/// app-role may rds-db:connect as app. The proxy's pool opens at most two target connections.
struct PostgresProxyFixture {
    static let ca = try! CertificateAuthority(commonName: "CloudSandbox Test Proxy CA")
    static let caFile: String = {
        let path = NSTemporaryDirectory() + "cloudsandbox-pgproxy-ca-\(UUID().uuidString.prefix(6)).pem"
        try! ca.certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    let account: AccountState
    let database: ScriptedPostgresServer
    let proxy: PostgresProxyServer
    let running: RunningService<PostgresProxyServer>
    let appCredentials: AWSCredentials

    static func start(requireTLS: Bool = false, initQuery: String? = nil) async throws -> PostgresProxyFixture {
        let database = try ScriptedPostgresServer(
            configuration: .init(
                users: [
                    PostgresUser(name: "app", password: "app-pw"), PostgresUser(name: "admin", password: "admin-pw"),
                    PostgresUser(name: "legacy", password: "legacy-pw", method: .md5),
                ],
                seedSQL: [
                    (
                        "items",
                        try String(
                            contentsOf: Self.fixtures.appendingPathComponent("postgres/app.sql"),
                            encoding: .utf8
                        )
                    )
                ],
                maxConnections: 20
            )
        )
        try await database.start()
        let account = AccountState()
        let trust = { (service: String) in
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"\#(service)"},"#
                + #""Action":"sts:AssumeRole"}]}"#
        }
        let proxyRole = try account.createRole(
            name: "proxy-role",
            trustPolicy: trust("rds.amazonaws.com"),
            inlinePolicies: [
                "read":
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
                    + #""Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#
            ]
        )
        try account.createRole(
            name: "app-role",
            trustPolicy: trust("lambda.amazonaws.com"),
            inlinePolicies: [
                "connect":
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","#
                    + #""Resource":"arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-*/app"}]}"#
            ]
        )
        var auth: [[String: String]] = []
        for (user, password, iam, type) in [
            ("app", "app-pw", "REQUIRED", "POSTGRES_SCRAM_SHA_256"),
            ("admin", "admin-pw", "DISABLED", "POSTGRES_SCRAM_SHA_256"),
            ("legacy", "legacy-pw", "DISABLED", "POSTGRES_MD5"),
        ] {
            let arn = try account.createSecret(
                name: "items-db/\(user)",
                value: #"{"username":"\#(user)","password":"\#(password)"}"#
            )
            auth.append(["SecretArn": arn, "IAMAuth": iam, "ClientPasswordAuthType": type])
        }
        account.registerDBInstance(
            .init(
                identifier: "items-db",
                engine: "postgres",
                engineVersion: "15.8",
                address: database.host,
                port: database.port,
                masterUsername: "admin",
                dbName: "items",
                region: "us-east-1",
                accountID: account.accountID
            )
        )
        var pool = ["MaxConnectionsPercent": "10", "MaxIdleConnectionsPercent": "10", "ConnectionBorrowTimeout": "2"]
        pool["InitQuery"] = initQuery
        let record = try account.createDBProxy(
            name: "items-proxy",
            engineFamily: "POSTGRESQL",
            roleARN: proxyRole,
            auth: auth,
            requireTLS: requireTLS,
            idleClientTimeout: nil,
            subnets: ["subnet-a", "subnet-b"],
            securityGroups: ["sg-proxy"],
            pool: pool,
            targets: ["items-db"]
        )
        let certificate = try Self.ca.issueServerCertificate(
            commonName: "proxy",
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"]
        )
        let proxy = try PostgresProxyServer(
            configuration: .init(
                record: record,
                account: account,
                host: "127.0.0.1",
                virtualPort: 5432,
                target: .init(host: database.host, port: database.port, maxConnections: 20),
                tls: try certificate.serverTLSConfiguration()
            )
        )
        let running = try await RunningService(proxy, logger: proxy.configuration.logger)
        let app = try account.sessionCredentials(role: "app-role", session: "items-fn").credentials
        return PostgresProxyFixture(
            account: account,
            database: database,
            proxy: proxy,
            running: running,
            appCredentials: app
        )
    }

    func stop() async {
        await self.running.stop()
        await self.database.shutdown()
    }

    /// An IAM token for `user` as app-role, made for the proxy's endpoint on 5432 (as generate-db-auth-token does).
    func token(user: String = "app") -> String {
        RDSAuthToken.generate(
            host: self.proxy.configuration.record.endpoint,
            port: 5432,
            region: "us-east-1",
            user: user,
            credentials: self.appCredentials
        )
    }

    func psql(
        _ user: String,
        _ password: String,
        sslMode: String = "verify-full",
        options: String? = nil,
        _ commands: [String]
    ) async throws -> Subprocess.Result {
        try await Psql.run(
            .init(
                host: "127.0.0.1",
                port: self.proxy.port,
                user: user,
                password: password,
                database: "items",
                sslMode: sslMode,
                rootCertificate: Self.caFile,
                options: options
            ),
            commands
        )
    }

    /// Fixtures/postgres/client.py with `driver` (psycopg2, pg8000) through the proxy: its JSON answer.
    func python(_ driver: String, _ user: String, _ password: String, tls: Bool) async throws -> [String: Any] {
        var environment = ProcessInfo.processInfo.environment
        environment["DB_PASSWORD"] = password
        let script = Self.fixtures.appendingPathComponent("postgres/client.py").path
        let result = try await Subprocess.runOffThread(
            [
                environment["CLOUDSANDBOX_PYTHON"] ?? "python3", script, driver, "127.0.0.1", String(self.proxy.port),
                user, "items",
            ] + (tls ? [Self.caFile] : []),
            environment: environment
        )
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [
            "error": result.stdout + result.stderr
        ]
    }

    /// Fixtures/postgres/go/libpq_client.go (lib/pq), built once, through the proxy: its JSON answer.
    func libpq(_ user: String, _ password: String, tls: Bool) async throws -> [String: Any] {
        var environment = ProcessInfo.processInfo.environment
        environment["DB_PASSWORD"] = password
        let result = try await Subprocess.runOffThread(
            [try Self.libpqClient.get(), "127.0.0.1", String(self.proxy.port), user, "items"]
                + (tls ? [Self.caFile] : []),
            environment: environment
        )
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [
            "error": result.stdout + result.stderr
        ]
    }

    /// Fixtures/postgres/java/JdbcClient.java (pgjdbc, Debian's libpostgresql-jdbc-java) logging in as each of
    /// `logins` in one JVM, to `port` (the proxy's by default), verify-full with the proxy's CA when `tls`: a JSON
    /// answer per login.
    func jdbc(
        _ logins: [(user: String, password: String)],
        port: Int? = nil,
        tls: Bool = true
    ) async throws -> [[String: Any]] {
        var environment = ProcessInfo.processInfo.environment
        for (index, login) in logins.enumerated() { environment["DB_PASSWORD_\(index + 1)"] = login.password }
        let source = Self.fixtures.appendingPathComponent("postgres/java/JdbcClient.java").path
        let result = try await Subprocess.runOffThread(
            [
                "java", "-cp", "/usr/share/java/postgresql.jar", source, "127.0.0.1", String(port ?? self.proxy.port),
                "items", tls ? Self.caFile : "-",
            ] + logins.map(\.user),
            environment: environment
        )
        let answers = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return answers.count == logins.count ? answers : [["error": result.stdout + result.stderr]]
    }

    /// The Go client, built in GOPATH mode with Debian's lib/pq (once per test run).
    static let libpqClient: Result<String, any Error> = Result {
        let output = NSTemporaryDirectory() + "cloudsandbox-libpq-client-\(UUID().uuidString.prefix(6))"
        var environment = ProcessInfo.processInfo.environment
        environment["GO111MODULE"] = "off"
        environment["GOPATH"] = "/usr/share/gocode"
        environment["GOCACHE"] = NSTemporaryDirectory() + "cloudsandbox-go-cache"
        let build = try Subprocess.run(
            ["go", "build", "-o", output, Self.fixtures.appendingPathComponent("postgres/go/libpq_client.go").path],
            environment: environment
        )
        guard build.status == 0 else { throw BuildFailed(output: build.stderr) }
        return output
    }

    /// The sandbox's own client through the proxy (it stays connected, for pinning and pool figures).
    func connect(_ user: String, _ password: String) async throws -> PostgresClientConnection {
        try await PostgresClientConnection.connect(
            host: "127.0.0.1",
            port: self.proxy.port,
            configuration: .init(user: user, password: password, database: "items"),
            tls: try ClientTLS.trusting(caPEM: Self.ca.certificatePEM)
        )
    }
}

/// `go build` of a fixture failed (is Debian's golang-github-lib-pq-dev installed? `make test` installs it).
struct BuildFailed: Error, CustomStringConvertible {
    var output: String
    var description: String { "go build of Fixtures/postgres/go/libpq_client.go failed: \(self.output)" }
}
