import Foundation

extension Topology {
    /// Checks what YAML decoding cannot: unique and well-formed ids, users, limits, references, policies.
    public func validate() throws(TopologyError) {
        try self.validateDatabases()
        try self.validateAWS()
        try self.validateProxies()
        try self.validateFunctions()
        _ = try NetworkPlan.model(for: self, loopback: { _ in nil })
    }

    private func validateDatabases() throws(TopologyError) {
        var seen: Set<String> = []
        try self.validateClusters()
        for (path, database) in self.placedInstances {
            try Self.checkIdentifier(database.id, at: "\(path).id", of: "DB instance")
            guard seen.insert(database.id).inserted else {
                throw TopologyError(path: "\(path).id", "'\(database.id)' is used twice; give each instance its own id")
            }
            guard !database.users.isEmpty else {
                throw TopologyError(path: "\(path).users", "an instance needs at least one user to log in with")
            }
            var names: Set<String> = []
            for (userIndex, user) in database.users.enumerated()
            where !names.insert(user.name).inserted || user.name.isEmpty {
                throw TopologyError(
                    path: "\(path).users[\(userIndex)].name",
                    "'\(user.name)' is empty or repeated; each user needs its own name"
                )
            }
            if let limit = database.maxConnections, limit < 1 {
                throw TopologyError(
                    path: "\(path).maxConnections",
                    "\(limit) admits nobody; use 1 or more (MySQL's default is 151)"
                )
            }
            if let external = database.external {
                guard external.host.hasPrefix("127.") || external.host == "localhost",
                    (1...65_535).contains(external.port)
                else {
                    throw TopologyError(
                        path: "\(path).external",
                        "'\(external.host):\(external.port)' is not a loopback address and port; the sandbox only "
                            + "talks to 127.0.0.0/8"
                    )
                }
                let runOnly = [
                    ("schema", database.schema != nil), ("script", database.script != nil),
                    ("subnet", database.subnet != nil),
                    ("securityGroups", database.securityGroups != nil),
                    ("tls", database.tls != nil && database.tls != .disabled),
                ]
                if let (field, _) = runOnly.first(where: { $0.1 }) {
                    throw TopologyError(
                        path: "\(path).\(field)",
                        "applies to instances the sandbox runs; an external server keeps its own (drop it)"
                    )
                }
            }
            try Self.checkEngine(of: database, at: path)
            if database.schema != nil, database.schemaDatabase == nil, database.databases?.count != 1 {
                throw TopologyError(path: "\(path).schemaDatabase", "name the schema the .sql file runs in")
            }
        }
    }

    private func validateClusters() throws(TopologyError) {
        var seen = Set(self.instances.map(\.id))
        for (index, cluster) in (self.clusters ?? []).enumerated() {
            let path = "clusters[\(index)]"
            try Self.checkIdentifier(cluster.id, at: "\(path).id", of: "DB cluster")
            guard seen.insert(cluster.id).inserted else {
                throw TopologyError(
                    path: "\(path).id",
                    "'\(cluster.id)' is already an instance or cluster id; give the cluster its own"
                )
            }
            guard !cluster.instances.isEmpty else {
                throw TopologyError(
                    path: "\(path).instances",
                    "a cluster needs at least one instance (the writer); add readers to fail over to"
                )
            }
            if let lag = cluster.replicaLagSeconds, !(0...3_600).contains(lag) {
                throw TopologyError(
                    path: "\(path).replicaLagSeconds",
                    "\(lag) is not 0 to 3600 seconds (0 or none: one shared volume)"
                )
            }
            if cluster.resolvedEngine == .auroraPostgreSQL, cluster.replicatesAsynchronously {
                throw TopologyError(
                    path: "\(path).replicaLagSeconds",
                    "asynchronous replication is for aurora-mysql clusters for now; drop it "
                        + "(an aurora-postgresql cluster's members share one volume, as Aurora's do)"
                )
            }
            let timings = cluster.failover?.timings ?? Cluster.Failover().timings
            for (field, value) in [
                ("detectionSeconds", timings.detection), ("promotionSeconds", timings.promotion),
                ("rebootSeconds", timings.reboot),
                ("dnsTTLSeconds", timings.dnsTTL),
            ]
            where !(0...3_600).contains(value) {
                throw TopologyError(path: "\(path).failover.\(field)", "\(value) is not 0 to 3600 seconds")
            }
        }
    }

    /// A user's way to log in is its engine's: `plugin` for MySQL, `method` for PostgreSQL. A PostgreSQL instance
    /// has no script for now.
    private static func checkEngine(of database: DatabaseInstance, at path: String) throws(TopologyError) {
        let postgres = database.resolvedEngine == .postgres
        // A cluster member's users are written on its cluster.
        let owner = path.range(of: ".instances[").map { String(path[..<$0.lowerBound]) } ?? path
        for (index, user) in database.users.enumerated() {
            if postgres, user.plugin != nil {
                throw TopologyError(
                    path: "\(owner).users[\(index)].plugin",
                    "is a MySQL auth plugin and this instance's engine is postgres; "
                        + "give method: scram-sha-256, md5 or password"
                )
            }
            if !postgres, user.method != nil {
                throw TopologyError(
                    path: "\(owner).users[\(index)].method",
                    "is a PostgreSQL login method and this instance's engine is mysql; "
                        + "give plugin, or engine: postgres"
                )
            }
            if let role = user.roles?.first(where: { !postgres || $0 != "rds_iam" }) {
                throw TopologyError(
                    path: "\(owner).users[\(index)].roles",
                    postgres
                        ? "'\(role)' is not a role the sandbox knows; the one with a meaning here is rds_iam (log "
                            + "in with IAM tokens)"
                        : "are PostgreSQL roles and this instance's engine is mysql; drop them, or give engine: "
                            + "postgres"
                )
            }
        }
        if !postgres, database.iamDatabaseAuthentication != nil {
            throw TopologyError(
                path: "\(path).iamDatabaseAuthentication",
                "is supported for engine postgres only for now; drop it, or give engine: postgres"
            )
        }
        guard postgres else { return }
        if database.script != nil {
            throw TopologyError(
                path: "\(path).script",
                "is not supported for engine postgres yet; drop it (the scripted PostgreSQL backend runs the "
                    + "schema's SQL)"
            )
        }
    }

    /// RDS identifiers: 1-63 lower-case letters, digits and single hyphens, starting with a letter.
    private static func checkIdentifier(_ id: String, at path: String, of kind: String) throws(TopologyError) {
        guard id.range(of: #"^[a-z][a-z0-9-]{0,62}$"#, options: .regularExpression) != nil, !id.hasSuffix("-"),
            !id.contains("--")
        else {
            throw TopologyError(
                path: path,
                "'\(id)' is not a \(kind) identifier: use 1-63 lower-case letters, digits and single hyphens, "
                    + "starting with a letter"
            )
        }
    }
}
