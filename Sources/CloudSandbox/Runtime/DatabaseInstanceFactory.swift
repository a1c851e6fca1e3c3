import Foundation
import Logging
import NIOPosix
import NIOSSL
import SandboxAWSCore
import SandboxMySQLWire
import SandboxScriptedMySQL
import SandboxVirtualNetwork

/// Turns a topology's database instance into a running scripted server (or registers an external one).
enum DatabaseInstanceFactory {
    /// Where a cluster member runs: on the cluster's volume (a StorageVolume for MySQL, a data directory for
    /// PostgreSQL, where the writer runs the schema once), on the port every member shares (so the cluster endpoint is
    /// only an address), read-only unless it is the writer, with the cluster's names in its certificate.
    struct ClusterPlacement<Volume> {
        var volume: Volume
        var port: Int
        var readOnly: Bool
        var names: [String]
    }

    static func configuration(
        for spec: Topology.DatabaseInstance,
        path: String,
        host: String,
        endpoint: String,
        certificates: SandboxCertificates,
        baseDirectory: URL,
        cluster: ClusterPlacement<StorageVolume>? = nil,
        logger: Logger
    ) throws -> ScriptedMySQLConfiguration {
        let seed = try Self.schemaSeed(spec, path: path, baseDirectory: baseDirectory, defaultDatabase: "app")
        var rules: [ScriptRule] = []
        if let script = spec.script {
            let file = URL(fileURLWithPath: script, relativeTo: baseDirectory).standardizedFileURL.path
            do {
                rules = try ScriptFile.load(path: file)
            } catch {
                throw TopologyError(path: "\(path).script", "\(error)")
            }
        }
        let tlsMode = spec.tls ?? .optional
        let tls = try Self.serverTLS(
            spec,
            endpoint: endpoint,
            host: host,
            otherNames: cluster?.names ?? [],
            certificates: certificates
        )
        var instanceLogger = logger
        instanceLogger[metadataKey: "db.instance"] = "\(spec.id)"
        return ScriptedMySQLConfiguration(
            host: host,
            port: cluster?.port ?? 0,
            serverVersion: spec.engineVersion ?? "8.0.36",
            users: spec.users.map {
                MySQLUser(
                    name: $0.name,
                    password: $0.password,
                    plugin: $0.plugin ?? .cachingSHA2Password,
                    host: $0.host ?? "%"
                )
            },
            databases: spec.databases ?? [],
            seedSQL: seed,
            maxConnections: spec.maxConnections ?? 151,
            requireSecureTransport: tlsMode == .required,
            tls: tls,
            rules: rules,
            volume: cluster?.volume,
            readOnly: cluster?.readOnly ?? false,
            logger: instanceLogger
        )
    }

    /// The schema file's SQL, run once in its database at first start (relative to the topology file).
    static func schemaSeed(
        _ spec: Topology.DatabaseInstance,
        path: String,
        baseDirectory: URL,
        defaultDatabase: String
    ) throws -> [(database: String, sql: String)] {
        guard let schema = spec.schema else { return [] }
        let file = URL(fileURLWithPath: schema, relativeTo: baseDirectory).standardizedFileURL.path
        guard let sql = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw TopologyError(
                path: "\(path).schema",
                "cannot read '\(file)'; paths are relative to the topology file"
            )
        }
        return [(spec.schemaDatabase ?? spec.databases?.first ?? defaultDatabase, sql)]
    }

    /// The instance's TLS identity from the RDS CA (its endpoint, the endpoints' wildcard, `otherNames`, its address);
    /// nil when `tls: disabled`.
    static func serverTLS(
        _ spec: Topology.DatabaseInstance,
        endpoint: String,
        host: String,
        otherNames: [String] = [],
        certificates: SandboxCertificates
    ) throws -> TLSConfiguration? {
        guard (spec.tls ?? .optional) != .disabled else { return nil }
        let wildcard = "*." + endpoint.split(separator: ".").dropFirst().joined(separator: ".")
        return try certificates.rdsCA.issueServerCertificate(
            commonName: endpoint,
            dnsNames: [endpoint, wildcard] + otherNames,
            ipAddresses: [host]
        )
        .serverTLSConfiguration()
    }

    /// Starts one scripted instance, as a service of the sandbox, and registers it with RDS (DescribeDBInstances, proxy
    /// targets).
    static func start(
        _ spec: Topology.DatabaseInstance,
        path: String,
        host: String,
        network: VirtualNetwork?,
        account: AccountState,
        certificates: SandboxCertificates,
        baseDirectory: URL,
        cluster: ClusterPlacement<StorageVolume>? = nil,
        threadPool: NIOThreadPool,
        services: SandboxServices,
        logger: Logger
    ) async throws -> (ScriptedMySQLServer, Endpoints.Database) {
        let endpoint = "\(spec.id).\(account.rdsEndpointSuffix).\(account.region).rds.amazonaws.com"
        var configuration = try DatabaseInstanceFactory.configuration(
            for: spec,
            path: path,
            host: host,
            endpoint: endpoint,
            certificates: certificates,
            baseDirectory: baseDirectory,
            cluster: cluster,
            logger: logger
        )
        configuration.threadPool = threadPool
        if let network {
            let id = spec.id
            let port = spec.port
            configuration.connectionFront = { channel in try network.admit(channel, to: id, port: port) }
        }
        let server = try ScriptedMySQLServer(configuration: configuration)
        try await services.start(server, name: "database \(spec.id)")
        let engineVersion = spec.engineVersion ?? "8.0.36"
        account.registerDBInstance(
            DBInstanceRecord(
                identifier: spec.id,
                engineVersion: engineVersion,
                address: endpoint,
                port: server.port,
                masterUsername: spec.users[0].name,
                dbName: spec.databases?.first,
                region: account.region,
                accountID: account.accountID
            )
        )
        let tlsMode = spec.tls ?? .optional
        let database = Endpoints.Database(
            host: host,
            port: server.port,
            endpoint: endpoint,
            caBundle: tlsMode == .disabled ? nil : certificates.rdsBundlePath,
            tls: tlsMode.rawValue,
            users: Dictionary(spec.users.map { ($0.name, $0.password) }, uniquingKeysWith: { a, _ in a }),
            eni: network?.model.eni(owner: spec.id).map(Endpoints.Interface.init)
        )
        return (server, database)
    }

    /// An external server (MySQL/MariaDB, or PostgreSQL with `engine: postgres`): registered with RDS (so a proxy can
    /// target it) and listed, not run.
    static func register(
        external: Topology.DatabaseInstance.External,
        _ spec: Topology.DatabaseInstance,
        account: AccountState
    ) -> Endpoints.Database {
        let endpoint = "\(spec.id).\(account.rdsEndpointSuffix).\(account.region).rds.amazonaws.com"
        let engine = spec.resolvedEngine
        account.registerDBInstance(
            DBInstanceRecord(
                identifier: spec.id,
                engine: engine.rawValue,
                engineVersion: spec.engineVersion ?? "external",
                address: endpoint,
                port: external.port,
                masterUsername: spec.users[0].name,
                dbName: spec.databases?.first,
                region: account.region,
                accountID: account.accountID
            )
        )
        return Endpoints.Database(
            host: external.host,
            port: external.port,
            endpoint: endpoint,
            caBundle: nil,
            tls: "disabled",
            users: Dictionary(spec.users.map { ($0.name, $0.password) }, uniquingKeysWith: { a, _ in a }),
            engine: engine == .postgres ? "postgres" : nil
        )
    }
}
