import FakeAWS

extension Topology {
    /// IAM: managed policies, users (each gets an access key) and roles.
    public struct IAM: Sendable, Codable, Equatable {
        public var policies: [ManagedPolicy]?
        public var users: [User]?
        public var roles: [Role]?

        public init(policies: [ManagedPolicy]? = nil, users: [User]? = nil, roles: [Role]? = nil) {
            self.policies = policies
            self.users = users
            self.roles = roles
        }
    }

    public struct ManagedPolicy: Sendable, Codable, Equatable {
        public var name: String
        public var document: JSONText
        public init(name: String, document: JSONText) {
            self.name = name
            self.document = document
        }
    }

    public struct User: Sendable, Codable, Equatable {
        public var name: String
        /// Inline policies by name.
        public var policies: [String: JSONText]?
        /// Managed policies by name (declared under `iam.policies`) or ARN.
        public var managedPolicies: [String]?
        public init(name: String, policies: [String: JSONText]? = nil, managedPolicies: [String]? = nil) {
            self.name = name
            self.policies = policies
            self.managedPolicies = managedPolicies
        }
    }

    public struct Role: Sendable, Codable, Equatable {
        public var name: String
        public var trustPolicy: JSONText
        public var policies: [String: JSONText]?
        public var managedPolicies: [String]?
        public var maxSessionDuration: Int?
        public init(name: String, trustPolicy: JSONText, policies: [String: JSONText]? = nil, managedPolicies: [String]? = nil,
                    maxSessionDuration: Int? = nil) {
            self.name = name
            self.trustPolicy = trustPolicy
            self.policies = policies
            self.managedPolicies = managedPolicies
            self.maxSessionDuration = maxSessionDuration
        }
    }

    /// A symmetric KMS key, found by its alias (`alias/<alias>`).
    public struct KMSKey: Sendable, Codable, Equatable {
        public var alias: String
        public var description: String?
        /// The key policy; AWS's default (the account root, delegating to IAM) when absent.
        public var policy: JSONText?
        public init(alias: String, description: String? = nil, policy: JSONText? = nil) {
            self.alias = alias
            self.description = description
            self.policy = policy
        }
    }

    /// A Secrets Manager secret: exactly one of `value`, `generate` or `database`.
    public struct Secret: Sendable, Codable, Equatable {
        /// RDS's credentials secret for a user of a database instance of this topology:
        /// `{"username", "password", "engine", "host", "port", "dbInstanceIdentifier"}`.
        public struct DatabaseUser: Sendable, Codable, Equatable {
            public var instance: String
            public var user: String
            public init(instance: String, user: String) {
                self.instance = instance
                self.user = user
            }
        }

        public var name: String
        public var description: String?
        /// The KMS key's alias (from `kmsKeys`) or ARN; aws/secretsmanager when absent.
        public var kmsKey: String?
        public var value: JSONText?
        public var generate: PasswordOptions?
        public var database: DatabaseUser?
        public var resourcePolicy: JSONText?

        public init(name: String, description: String? = nil, kmsKey: String? = nil, value: JSONText? = nil, generate: PasswordOptions? = nil,
                    database: DatabaseUser? = nil, resourcePolicy: JSONText? = nil) {
            self.name = name
            self.description = description
            self.kmsKey = kmsKey
            self.value = value
            self.generate = generate
            self.database = database
            self.resourcePolicy = resourcePolicy
        }
    }
}

extension Topology {
    /// An RDS Proxy in front of one of the topology's instances.
    public struct Proxy: Sendable, Codable, Equatable {
        public struct Auth: Sendable, Codable, Equatable {
            /// A secret of `secrets` (name) or any secret ARN.
            public var secret: String
            /// DISABLED (default), REQUIRED or ENABLED.
            public var iamAuth: String?
            /// MYSQL_NATIVE_PASSWORD (default) or MYSQL_CACHING_SHA2_PASSWORD.
            public var clientPasswordAuthType: String?
            public init(secret: String, iamAuth: String? = nil, clientPasswordAuthType: String? = nil) {
                self.secret = secret
                self.iamAuth = iamAuth
                self.clientPasswordAuthType = clientPasswordAuthType
            }
        }

        /// ModifyDBProxyTargetGroup's ConnectionPoolConfig.
        public struct TargetGroup: Sendable, Codable, Equatable {
            public var maxConnectionsPercent: Int?
            public var maxIdleConnectionsPercent: Int?
            public var connectionBorrowTimeout: Int?
            public var initQuery: String?
            public var sessionPinningFilters: [String]?
            public init(maxConnectionsPercent: Int? = nil, maxIdleConnectionsPercent: Int? = nil, connectionBorrowTimeout: Int? = nil,
                        initQuery: String? = nil, sessionPinningFilters: [String]? = nil) {
                self.maxConnectionsPercent = maxConnectionsPercent
                self.maxIdleConnectionsPercent = maxIdleConnectionsPercent
                self.connectionBorrowTimeout = connectionBorrowTimeout
                self.initQuery = initQuery
                self.sessionPinningFilters = sessionPinningFilters
            }
        }

        public var name: String
        /// The role (name or ARN) the proxy reads its secrets as.
        public var role: String
        public var auth: [Auth]
        /// The database instance id behind the proxy.
        public var target: String
        public var requireTLS: Bool?
        public var idleClientTimeout: Int?
        public var targetGroup: TargetGroup?
        /// With a network: the subnets of the proxy's ENIs (the first carries its listener) and its security groups.
        public var subnets: [String]?
        public var securityGroups: [String]?
        /// Client connections past this get 1040.
        public var maxClientConnections: Int?

        public init(name: String, role: String, auth: [Auth], target: String, requireTLS: Bool? = nil, idleClientTimeout: Int? = nil,
                    targetGroup: TargetGroup? = nil, subnets: [String]? = nil, securityGroups: [String]? = nil, maxClientConnections: Int? = nil) {
            self.name = name
            self.role = role
            self.auth = auth
            self.target = target
            self.requireTLS = requireTLS
            self.idleClientTimeout = idleClientTimeout
            self.targetGroup = targetGroup
            self.subnets = subnets
            self.securityGroups = securityGroups
            self.maxClientConnections = maxClientConnections
        }
    }
}
