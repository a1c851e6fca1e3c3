import Foundation
import Logging
import SandboxAWSCore
import SandboxScriptedPostgres
import SandboxVirtualNetwork

/// Turns a topology's `engine: postgres` instance (or an aurora-postgresql cluster's member) into a running scripted
/// PostgreSQL server on its ENI, serving 5432 in its VPC, registered with RDS so a proxy of family POSTGRESQL can
/// target it.
enum PostgresInstanceFactory {
    static func start(
        _ spec: Topology.DatabaseInstance,
        path: String,
        host: String,
        network: VirtualNetwork?,
        account: AccountState,
        certificates: SandboxCertificates,
        baseDirectory: URL,
        cluster: DatabaseInstanceFactory.ClusterPlacement<URL>? = nil,
        services: SandboxServices,
        logger: Logger
    ) async throws -> (ScriptedPostgresServer, Endpoints.Database) {
        let endpoint = "\(spec.id).\(account.rdsEndpointSuffix).\(account.region).rds.amazonaws.com"
        let schema = try DatabaseInstanceFactory.schemaSeed(
            spec,
            path: path,
            baseDirectory: baseDirectory,
            defaultDatabase: "postgres"
        )
        let seed = cluster?.readOnly == true ? [] : schema
        let tlsMode = spec.tls ?? .optional
        let tls = try DatabaseInstanceFactory.serverTLS(
            spec,
            endpoint: endpoint,
            host: host,
            otherNames: cluster?.names ?? [],
            certificates: certificates
        )
        var instanceLogger = logger
        instanceLogger[metadataKey: "db.instance"] = "\(spec.id)"
        let users = spec.users.map { user in
            PostgresUser(
                name: user.name,
                password: user.password,
                method: user.method.flatMap { PostgresUser.Method(rawValue: $0.rawValue) } ?? .scramSHA256,
                superuser: user.name == spec.users.first?.name,
                rdsIAM: user.roles?.contains("rds_iam") == true
            )
        }
        let engineVersion = spec.engineVersion ?? "15.8"
        var configuration = ScriptedPostgresConfiguration(
            host: host,
            port: cluster?.port ?? 0,
            serverVersion: engineVersion,
            users: users,
            databases: (spec.databases ?? []) + schema.map(\.database),
            seedSQL: seed,
            tls: tls,
            requireTLS: tlsMode == .required,
            maxConnections: spec.maxConnections ?? 100,
            readOnly: cluster?.readOnly ?? false,
            dataDirectory: cluster?.volume.path,
            logger: instanceLogger
        )
        if let network {
            let id = spec.id
            configuration.connectionFront = { channel in try network.admit(channel, to: id, port: 5432) }
        }
        var record = DBInstanceRecord(
            identifier: spec.id,
            engine: cluster == nil ? "postgres" : "aurora-postgresql",
            engineVersion: engineVersion,
            address: endpoint,
            port: 5432,
            masterUsername: spec.users[0].name,
            dbName: spec.databases?.first,
            region: account.region,
            accountID: account.accountID,
            iamAuthenticationEnabled: spec.iamDatabaseAuthentication == true
        )
        if spec.iamDatabaseAuthentication == true {
            let audience = DBAuthTokenAudience(
                endpoint: endpoint,
                ports: [5432],
                resourceID: record.resourceID,
                kind: "instance"
            )
            let tokenLogger = instanceLogger
            configuration.iamTokenCheck = { user, token, sourceIP in
                account.checkDBAuthToken(token, user: user, at: audience, sourceIP: sourceIP, logger: tokenLogger)
                    .map { _ in }.mapError { ScriptedPostgresConfiguration.IAMTokenRefusal($0.reason) }
            }
        }
        let server = try ScriptedPostgresServer(configuration: configuration)
        try await services.start(server, name: "database \(spec.id)")
        record.port = server.port
        account.registerDBInstance(record)
        let database = Endpoints.Database(
            host: host,
            port: server.port,
            endpoint: endpoint,
            caBundle: tlsMode == .disabled ? nil : certificates.rdsBundlePath,
            tls: tlsMode.rawValue,
            users: Dictionary(spec.users.map { ($0.name, $0.password) }, uniquingKeysWith: { a, _ in a }),
            eni: network?.model.eni(owner: spec.id).map(Endpoints.Interface.init),
            engine: "postgres"
        )
        return (server, database)
    }
}
