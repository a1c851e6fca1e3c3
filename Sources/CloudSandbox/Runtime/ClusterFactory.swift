import Foundation
import Logging
import NIOPosix
import SandboxAWSCore
import SandboxClusterFailover
import SandboxLifecycle
import SandboxScriptedMySQL
import SandboxScriptedPostgres
import SandboxVirtualNetwork

/// Turns a topology's cluster (aurora-mysql or aurora-postgresql) into running members registered with RDS: the writer
/// first, then the readers on its port, on one shared volume or (aurora-mysql with asynchronous replication) each on
/// its own.
enum ClusterFactory {
    /// Starts a cluster's members (the writer first, then the readers on its port) on one shared volume, or each on
    /// its own with asynchronous replication, and registers the cluster with RDS. Each member started is in
    /// `started`; the volumes are held by the sandbox's services and removed after the members have stopped.
    static func start(
        of cluster: Topology.Cluster,
        at path: String,
        hosts: [String: String],
        network: VirtualNetwork?,
        account: AccountState,
        certificates: SandboxCertificates,
        baseDirectory: URL,
        threadPool: NIOThreadPool,
        services: SandboxServices,
        clock: any SandboxClock,
        logger: Logger,
        started: inout [String: ScriptedMySQLServer],
        startedPostgres: inout [String: ScriptedPostgresServer]
    ) async throws -> ClusterRuntime.Cluster {
        let suffix = "\(account.rdsEndpointSuffix).\(account.region).rds.amazonaws.com"
        let names = ["\(cluster.id).cluster-\(suffix)", "\(cluster.id).cluster-ro-\(suffix)"]
        var members: [String: any ClusterMember] = [:]
        var mysqlMembers: [String: ScriptedMySQLServer] = [:]
        var databases: [String: Endpoints.Database] = [:]
        var port = 0
        let postgres = cluster.resolvedEngine == .auroraPostgreSQL
        let sharedDirectory = postgres ? try await Self.dataDirectory(of: cluster, held: services) : nil
        let shared =
            postgres || cluster.replicatesAsynchronously ? nil : try await Self.volume(of: cluster, held: services)
        for (index, spec) in cluster.memberInstances.enumerated() {
            let memberPath = "\(path).instances[\(index)]"
            if let sharedDirectory {
                let placement = DatabaseInstanceFactory.ClusterPlacement(
                    volume: sharedDirectory,
                    port: port,
                    readOnly: index > 0,
                    names: names
                )
                let (server, database) = try await PostgresInstanceFactory.start(
                    spec,
                    path: memberPath,
                    host: hosts[spec.id]!,
                    network: network,
                    account: account,
                    certificates: certificates,
                    baseDirectory: baseDirectory,
                    cluster: placement,
                    services: services,
                    logger: logger
                )
                startedPostgres[spec.id] = server
                (members[spec.id], databases[spec.id], port) = (server, database, server.port)
                continue
            }
            let volume = if let shared { shared } else { try await Self.volume(of: cluster, held: services) }
            let placement = DatabaseInstanceFactory.ClusterPlacement(
                volume: volume,
                port: port,
                readOnly: index > 0,
                names: names
            )
            let (server, database) = try await DatabaseInstanceFactory.start(
                spec,
                path: memberPath,
                host: hosts[spec.id]!,
                network: network,
                account: account,
                certificates: certificates,
                baseDirectory: baseDirectory,
                cluster: placement,
                threadPool: threadPool,
                services: services,
                logger: logger
            )
            started[spec.id] = server
            mysqlMembers[spec.id] = server
            (members[spec.id], databases[spec.id], port) = (server, database, server.port)
        }
        var record = DBClusterRecord(
            identifier: cluster.id,
            engineVersion: cluster.engineVersion ?? (postgres ? "15.4" : "8.0.mysql_aurora.3.05.2"),
            endpoint: names[0],
            readerEndpoint: names[1],
            port: port,
            masterUsername: cluster.users[0].name,
            databaseName: cluster.databases?.first,
            members: cluster.instances.map(\.id),
            region: account.region,
            accountID: account.accountID
        )
        record.engine = cluster.resolvedEngine.rawValue
        account.registerDBCluster(record)
        let replication = cluster.replicaLagSeconds.flatMap { lag in
            lag > 0
                ? ClusterReplication(
                    lag: .milliseconds(Int64(lag * 1000)),
                    members: mysqlMembers,
                    writer: cluster.instances[0].id,
                    clock: clock,
                    logger: logger
                ) : nil
        }
        return ClusterRuntime.Cluster(
            spec: cluster,
            endpoint: names[0],
            readerEndpoint: names[1],
            members: members,
            databases: databases,
            replication: replication
        )
    }

    /// An aurora-postgresql cluster's shared volume: one data directory its members' databases live in, removed when
    /// the sandbox has stopped them.
    private static func dataDirectory(of cluster: Topology.Cluster, held services: SandboxServices) async throws -> URL
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cloudsandbox-postgres-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        await services.hold("volume of cluster \(cluster.id)") { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    /// A new volume, removed when the sandbox has stopped the members on it.
    private static func volume(
        of cluster: Topology.Cluster,
        held services: SandboxServices
    ) async throws -> StorageVolume {
        let volume = try StorageVolume()
        await services.hold("volume of cluster \(cluster.id)") { volume.remove() }
        return volume
    }
}
