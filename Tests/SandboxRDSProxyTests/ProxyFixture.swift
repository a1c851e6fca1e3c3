import CloudSandbox
import Foundation
import SandboxMariaDBClient
import SandboxSigV4

/// A sandbox with one instance behind four proxies: `iam-proxy` (IAM REQUIRED, RequireTLS), `pw-proxy` (password,
/// no TLS required, a one-connection pool with a 1 s borrow timeout and a 3-client limit), `sha2-proxy`
/// (caching_sha2_password clients) and `iam-plain-proxy` (IAM REQUIRED without RequireTLS).
/// Roles: proxy-role (reads the secret), app-role (rds-db:connect on the proxy), wrong-arn-role (rds-db:connect
/// on the instance's resource id instead), no-connect-role (nothing).
enum ProxyFixture {
    static func doc(_ statements: String) -> JSONText {
        JSONText(#"{"Version":"2012-10-17","Statement":[\#(statements)]}"#)
    }
    static func trust(_ service: String) -> JSONText {
        doc(#"{"Effect":"Allow","Principal":{"Service":"\#(service)"},"Action":"sts:AssumeRole"}"#)
    }

    static func topology(
        proxyRolePolicy: String = #"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}"#,
        secretPassword: String? = nil
    ) -> Topology {
        let connect = { (resource: String) in
            doc(#"{"Effect":"Allow","Action":"rds-db:connect","Resource":"\#(resource)"}"#)
        }
        let secret: Topology.Secret =
            secretPassword.map {
                .init(name: "app-db/app", value: JSONText(#"{"username":"app","password":"\#($0)"}"#))
            }
            ?? .init(name: "app-db/app", database: .init(instance: "app-db", user: "app"))
        return Topology(
            databases: [
                .init(
                    id: "app-db",
                    users: [
                        .init(name: "app", password: "app-Passw0rd", plugin: .nativePassword),
                        .init(name: "admin", password: "admin-pw"),
                    ],
                    databases: ["app"],
                    maxConnections: 20,
                    tls: .optional
                )
            ],
            iam: .init(roles: [
                .init(
                    name: "proxy-role",
                    trustPolicy: trust("rds.amazonaws.com"),
                    policies: ["read": doc(proxyRolePolicy)]
                ),
                .init(
                    name: "app-role",
                    trustPolicy: trust("lambda.amazonaws.com"),
                    policies: ["connect": connect("arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-*/app")]
                ),
                .init(
                    name: "wrong-arn-role",
                    trustPolicy: trust("lambda.amazonaws.com"),
                    policies: ["connect": connect("arn:aws:rds-db:us-east-1:123456789012:dbuser:db-*/app")]
                ),
                .init(name: "no-connect-role", trustPolicy: trust("lambda.amazonaws.com")),
            ]),
            secrets: [secret],
            proxies: [
                .init(
                    name: "iam-proxy",
                    role: "proxy-role",
                    auth: [.init(secret: "app-db/app", iamAuth: .required)],
                    target: "app-db",
                    requireTLS: true
                ),
                .init(
                    name: "pw-proxy",
                    role: "proxy-role",
                    auth: [.init(secret: "app-db/app")],
                    target: "app-db",
                    requireTLS: false,
                    targetGroup: .init(
                        maxConnectionsPercent: 5,
                        maxIdleConnectionsPercent: 5,
                        connectionBorrowTimeout: 1
                    ),
                    maxClientConnections: 3
                ),
                .init(
                    name: "sha2-proxy",
                    role: "proxy-role",
                    auth: [.init(secret: "app-db/app", clientPasswordAuthType: .cachingSHA2Password)],
                    target: "app-db",
                    requireTLS: false
                ),
                .init(
                    name: "iam-plain-proxy",
                    role: "proxy-role",
                    auth: [.init(secret: "app-db/app", iamAuth: .required)],
                    target: "app-db",
                    requireTLS: false
                ),
            ]
        )
    }

    static func credentials(_ name: String, _ sandbox: Sandbox) -> AWSCredentials {
        sandbox.endpoints.credentials![name]!.awsCredentials
    }

    /// A token for `user` on the proxy (as botocore's generate_db_auth_token makes one).
    static func token(
        _ sandbox: Sandbox,
        proxy: String = "iam-proxy",
        as role: String = "app-role",
        user: String = "app",
        host: String? = nil,
        region: String = "us-east-1",
        date: Date = Date(),
        credentials: AWSCredentials? = nil
    ) -> String {
        RDSAuthToken.generate(
            host: host ?? sandbox.endpoints.proxies![proxy]!.endpoint,
            port: 3306,
            region: region,
            user: user,
            credentials: credentials ?? Self.credentials(role, sandbox),
            date: date
        )
    }

    static func connect(
        _ sandbox: Sandbox,
        proxy: String,
        user: String = "app",
        password: String,
        tls: Bool = true,
        caFile: String? = nil,
        timeout: UInt32 = 5
    ) async throws -> MariaDBConnection {
        let endpoint = sandbox.endpoints.proxies![proxy]!
        return try await MariaDB.offload {
            try MariaDBConnection(
                .init(
                    host: endpoint.host,
                    port: endpoint.port,
                    user: user,
                    password: password,
                    database: "app",
                    tls: tls,
                    caFile: tls ? (caFile ?? endpoint.caBundle) : nil,
                    connectTimeout: timeout,
                    readTimeout: timeout
                )
            )
        }
    }
}
