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

    public init(region: String = "us-east-1", accountId: String? = nil, databases: [DatabaseInstance] = [], clusters: [Cluster]? = nil,
                iam: IAM? = nil, kmsKeys: [KMSKey]? = nil, secrets: [Secret]? = nil, network: NetworkSpec? = nil, proxies: [Proxy]? = nil,
                functions: [Function]? = nil, apis: [API]? = nil) {
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

    /// One scripted MySQL instance.
    public struct DatabaseInstance: Sendable, Codable, Equatable {
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
            public var plugin: MySQLAuthPlugin?
            public var host: String?

            public init(name: String, password: String, plugin: MySQLAuthPlugin? = nil, host: String? = nil) {
                self.name = name
                self.password = password
                self.plugin = plugin
                self.host = host
            }
        }

        /// The port the instance serves in its VPC (what security group rules name); here it listens on an ephemeral one.
        public static let port = 3306

        public var id: String
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

        public init(id: String, engineVersion: String? = nil, users: [User], databases: [String]? = nil, schema: String? = nil,
                    schemaDatabase: String? = nil, script: String? = nil, maxConnections: Int? = nil, tls: TLSMode? = nil,
                    subnet: String? = nil, securityGroups: [String]? = nil, external: External? = nil) {
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
    private enum CodingKeys: String, CodingKey { case region, accountId, databases, clusters, iam, kmsKeys, secrets, network, proxies, functions, apis }

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
        ["name": self.name, "password": Redacted(), "plugin": self.plugin as Any, "host": self.host as Any]
    }
}
