extension Topology {
    /// An Aurora-style cluster: instances on one shared volume (a write committed on the writer is on every
    /// reader), the first the writer and the others readers (1290 or 25006 for writes), a cluster endpoint that follows
    /// the writer, and failover (FailoverDBCluster, or the writer going down) that promotes a reader.
    public struct Cluster: Sendable, Codable, Equatable {
        /// One instance of the cluster and where it sits in the network.
        public struct Member: Sendable, Codable, Equatable {
            public var id: String
            public var subnet: String?
            public var securityGroups: [String]?
            public init(id: String, subnet: String? = nil, securityGroups: [String]? = nil) {
                self.id = id
                self.subnet = subnet
                self.securityGroups = securityGroups
            }
        }

        /// How failover runs. The defaults keep tests fast; `profile: aws` takes timings like Aurora's.
        public struct Failover: Sendable, Codable, Equatable {
            public enum Profile: String, Sendable, Codable, CaseIterable { case fast, aws }
            public var profile: Profile?
            /// How long a writer that went down goes unnoticed before failover starts.
            public var detectionSeconds: Double?
            /// How long the cluster has no writer while a reader is promoted.
            public var promotionSeconds: Double?
            /// How long the old writer takes to come back, as a reader.
            public var rebootSeconds: Double?
            /// How long the cluster endpoint's name still resolves to the old writer after a promotion (its DNS TTL).
            public var dnsTTLSeconds: Double?
            public init(
                profile: Profile? = nil,
                detectionSeconds: Double? = nil,
                promotionSeconds: Double? = nil,
                rebootSeconds: Double? = nil,
                dnsTTLSeconds: Double? = nil
            ) {
                self.profile = profile
                self.detectionSeconds = detectionSeconds
                self.promotionSeconds = promotionSeconds
                self.rebootSeconds = rebootSeconds
                self.dnsTTLSeconds = dnsTTLSeconds
            }

            public struct Timings: Sendable, Equatable {
                public var detection: Double
                public var promotion: Double
                public var reboot: Double
                public var dnsTTL: Double
            }

            /// The timings in effect: what is written, else the profile's (fast: 0.2, 0.3, 0.3 s and a 1 s TTL;
            /// aws: 10, 15, 10 s and AWS's 5 s TTL).
            public var timings: Timings {
                let base =
                    self.profile == .aws
                    ? Timings(detection: 10, promotion: 15, reboot: 10, dnsTTL: 5)
                    : Timings(detection: 0.2, promotion: 0.3, reboot: 0.3, dnsTTL: 1)
                return Timings(
                    detection: self.detectionSeconds ?? base.detection,
                    promotion: self.promotionSeconds ?? base.promotion,
                    reboot: self.rebootSeconds ?? base.reboot,
                    dnsTTL: self.dnsTTLSeconds ?? base.dnsTTL
                )
            }
        }

        /// RDS's `Engine` for a cluster: Aurora MySQL (members speak MySQL on 3306) or Aurora PostgreSQL (5432).
        public enum Engine: String, Sendable, Codable, CaseIterable {
            case auroraMySQL = "aurora-mysql"
            case auroraPostgreSQL = "aurora-postgresql"

            /// What each member speaks.
            public var instanceEngine: DatabaseInstance.Engine { self == .auroraPostgreSQL ? .postgres : .mysql }
        }

        public var id: String
        /// aurora-mysql by default.
        public var engine: Engine?
        public var engineVersion: String?
        public var users: [DatabaseInstance.User]
        public var databases: [String]?
        public var schema: String?
        public var schemaDatabase: String?
        public var script: String?
        public var maxConnections: Int?
        public var tls: DatabaseInstance.TLSMode?
        /// The writer first, then the readers.
        public var instances: [Member]
        public var failover: Failover?
        /// Without it (or 0) the instances share one volume, as Aurora's do. With it each has its own and readers
        /// apply the writer's committed transactions this long after they commit (asynchronous replication): a
        /// read on a reader may miss a recent write, and a failover loses the writes not yet applied on the reader
        /// it promotes.
        public var replicaLagSeconds: Double?

        public init(
            id: String,
            engine: Engine? = nil,
            engineVersion: String? = nil,
            users: [DatabaseInstance.User],
            databases: [String]? = nil,
            schema: String? = nil,
            schemaDatabase: String? = nil,
            script: String? = nil,
            maxConnections: Int? = nil,
            tls: DatabaseInstance.TLSMode? = nil,
            instances: [Member],
            failover: Failover? = nil,
            replicaLagSeconds: Double? = nil
        ) {
            self.replicaLagSeconds = replicaLagSeconds
            self.id = id
            self.engine = engine
            self.engineVersion = engineVersion
            self.users = users
            self.databases = databases
            self.schema = schema
            self.schemaDatabase = schemaDatabase
            self.script = script
            self.maxConnections = maxConnections
            self.tls = tls
            self.instances = instances
            self.failover = failover
        }

        /// Whether readers replicate asynchronously (each instance on its own volume).
        package var replicatesAsynchronously: Bool { (self.replicaLagSeconds ?? 0) > 0 }

        /// The engine, aurora-mysql when not given.
        public var resolvedEngine: Engine { self.engine ?? .auroraMySQL }

        /// Each member as an instance with the cluster's users, schemas and settings.
        package var memberInstances: [DatabaseInstance] {
            self.instances.map { member in
                DatabaseInstance(
                    id: member.id,
                    engine: self.engine.map(\.instanceEngine),
                    engineVersion: self.engineVersion,
                    users: self.users,
                    databases: self.databases,
                    schema: self.schema,
                    schemaDatabase: self.schemaDatabase,
                    script: self.script,
                    maxConnections: self.maxConnections,
                    tls: self.tls,
                    subnet: member.subnet,
                    securityGroups: member.securityGroups
                )
            }
        }
    }

    /// Every instance the sandbox runs or registers, with the path it is written at: `databases`, then each
    /// cluster's members (writer first).
    package var placedInstances: [(path: String, instance: DatabaseInstance)] {
        self.databases.enumerated().map { ("databases[\($0.offset)]", $0.element) }
            + (self.clusters ?? []).enumerated().flatMap { c, cluster in
                cluster.memberInstances.enumerated().map { ("clusters[\(c)].instances[\($0.offset)]", $0.element) }
            }
    }

    /// Every instance: `databases`, then each cluster's members.
    public var instances: [DatabaseInstance] { self.placedInstances.map(\.instance) }

    /// The cluster instance `id` belongs to.
    public func cluster(of id: String) -> Cluster? {
        self.clusters?.first { $0.instances.contains { $0.id == id } }
    }
}
