import SandboxMySQLWire
import SandboxRedaction
import SandboxVirtualNetwork

/// What a sandbox runs: its account and region, database instances, IAM, KMS keys and secrets.
/// Built in Swift or loaded from YAML.
public struct Topology: Sendable, Codable, Equatable {
    public var region: String
    /// The 12-digit account id (123456789012 when absent).
    public var accountId: String?
    public var databases: [DatabaseInstance]
    /// Aurora-style clusters of instances on one volume.
    public var clusters: [Cluster]?
    public var iam: IAM?
    public var kmsKeys: [KMSKey]?
    public var secrets: [Secret]?
    /// The virtual VPC; without one, nothing is enforced and every instance answers everyone.
    public var network: NetworkSpec?
    /// RDS Proxies in front of the instances.
    public var proxies: [Proxy]?
    /// Lambda functions.
    public var functions: [Function]?
    /// API Gateway HTTP APIs routing to the functions.
    public var apis: [API]?

    public init(
        region: String = "us-east-1",
        accountId: String? = nil,
        databases: [DatabaseInstance] = [],
        clusters: [Cluster]? = nil,
        iam: IAM? = nil,
        kmsKeys: [KMSKey]? = nil,
        secrets: [Secret]? = nil,
        network: NetworkSpec? = nil,
        proxies: [Proxy]? = nil,
        functions: [Function]? = nil,
        apis: [API]? = nil
    ) {
        self.clusters = clusters
        self.functions = functions
        self.apis = apis
        self.network = network
        self.proxies = proxies
        self.region = region
        self.accountId = accountId
        self.databases = databases
        self.iam = iam
        self.kmsKeys = kmsKeys
        self.secrets = secrets
    }

    /// One scripted MySQL or PostgreSQL instance.
    public struct DatabaseInstance: Sendable, Codable, Equatable {
        /// RDS's `Engine`: what the instance speaks.
        public enum Engine: String, Sendable, Codable, CaseIterable {
            case mysql, postgres

            /// The port it serves in its VPC: 3306 or 5432.
            public var port: Int { self == .postgres ? 5432 : 3306 }
            /// The EngineFamily of a proxy in front of it.
            public var family: String { self == .postgres ? "POSTGRESQL" : "MYSQL" }
        }

        /// How a PostgreSQL user logs in (`pg_hba.conf`'s method).
        public enum PostgresMethod: String, Sendable, Codable, CaseIterable {
            case scramSHA256 = "scram-sha-256"
            case md5, password
        }

        public enum TLSMode: String, Sendable, Codable, CaseIterable {
            /// TLS offered, plain connections refused (require_secure_transport=ON, error 3159).
            case required
            /// TLS offered, plain connections allowed.
            case optional
            /// No TLS offered.
            case disabled
        }

        public struct User: Sendable, Codable, Equatable {
            public var name: String
            public var password: String
            /// MySQL: the auth plugin (caching_sha2_password by default).
            public var plugin: MySQLAuthPlugin?
            /// PostgreSQL: the method (scram-sha-256 by default).
            public var method: PostgresMethod?
            /// PostgreSQL: roles granted (`rds_iam`: the user logs in with IAM auth tokens over TLS, as `GRANT
            /// rds_iam`).
            public var roles: [String]?
            public var host: String?

            public init(
                name: String,
                password: String,
                plugin: MySQLAuthPlugin? = nil,
                method: PostgresMethod? = nil,
                roles: [String]? = nil,
                host: String? = nil
            ) {
                self.roles = roles
                self.name = name
                self.password = password
                self.plugin = plugin
                self.method = method
                self.host = host
            }
        }

        public var id: String
        /// mysql by default.
        public var engine: Engine?
        public var engineVersion: String?
        public var users: [User]
        /// Schemas created empty.
        public var databases: [String]?
        /// A .sql file run at start in `schemaDatabase` (paths relative to the topology file).
        public var schema: String?
        public var schemaDatabase: String?
        /// A YAML/JSON script of rules (see `ScriptFile`).
        public var script: String?
        public var maxConnections: Int?
        public var tls: TLSMode?
        /// RDS's `IAMDatabaseAuthenticationEnabled` (PostgreSQL): members of rds_iam log in with IAM auth tokens made
        /// for the instance's endpoint, authorized by `rds-db:connect` on its `db-…` resource id.
        public var iamDatabaseAuthentication: Bool?
        /// With a network: the subnet of the instance's ENI and its security groups.
        public var subnet: String?
        public var securityGroups: [String]?
        /// A MySQL/MariaDB server the sandbox does not run (on this machine's loopback), for proxies to target;
        /// `users` then lists accounts it already has.
        public var external: External?

        public struct External: Sendable, Codable, Equatable {
            public var host: String
            public var port: Int
            public init(host: String, port: Int) {
                self.host = host
                self.port = port
            }
        }

        /// The engine, mysql when not given.
        public var resolvedEngine: Engine { self.engine ?? .mysql }
        /// The port the instance serves in its VPC (what security group rules name); here it listens on an ephemeral
        /// one.
        public var port: Int { self.resolvedEngine.port }

        public init(
            id: String,
            engine: Engine? = nil,
            engineVersion: String? = nil,
            users: [User],
            databases: [String]? = nil,
            schema: String? = nil,
            schemaDatabase: String? = nil,
            script: String? = nil,
            maxConnections: Int? = nil,
            tls: TLSMode? = nil,
            subnet: String? = nil,
            securityGroups: [String]? = nil,
            external: External? = nil,
            iamDatabaseAuthentication: Bool? = nil
        ) {
            self.iamDatabaseAuthentication = iamDatabaseAuthentication
            self.engine = engine
            self.external = external
            self.subnet = subnet
            self.securityGroups = securityGroups
            self.id = id
            self.engineVersion = engineVersion
            self.users = users
            self.databases = databases
            self.schema = schema
            self.schemaDatabase = schemaDatabase
            self.script = script
            self.maxConnections = maxConnections
            self.tls = tls
        }
    }
}

extension Topology {
    private enum CodingKeys: String, CodingKey {
        case region, accountId, databases, clusters, iam, kmsKeys, secrets, network, proxies, functions, apis
    }

    /// `region` defaults to us-east-1 and `databases` to none, as in a minimal YAML file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.region = try container.decodeIfPresent(String.self, forKey: .region) ?? "us-east-1"
        self.accountId = try container.decodeIfPresent(String.self, forKey: .accountId)
        self.databases = try container.decodeIfPresent([DatabaseInstance].self, forKey: .databases) ?? []
        self.clusters = try container.decodeIfPresent([Cluster].self, forKey: .clusters)
        self.iam = try container.decodeIfPresent(IAM.self, forKey: .iam)
        self.kmsKeys = try container.decodeIfPresent([KMSKey].self, forKey: .kmsKeys)
        self.secrets = try container.decodeIfPresent([Secret].self, forKey: .secrets)
        self.network = try container.decodeIfPresent(NetworkSpec.self, forKey: .network)
        self.proxies = try container.decodeIfPresent([Proxy].self, forKey: .proxies)
        self.functions = try container.decodeIfPresent([Function].self, forKey: .functions)
        self.apis = try container.decodeIfPresent([API].self, forKey: .apis)
    }
}

extension Topology.DatabaseInstance.User: RedactedWhenRendered {
    public var renderedFields: KeyValuePairs<String, Any> {
        [
            "name": self.name, "password": Redacted(), "plugin": self.plugin as Any, "method": self.method as Any,
            "roles": self.roles as Any,
            "host": self.host as Any,
        ]
    }
}
