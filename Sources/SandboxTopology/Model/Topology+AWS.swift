import SandboxAWSCore

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
        public init(
            name: String,
            trustPolicy: JSONText,
            policies: [String: JSONText]? = nil,
            managedPolicies: [String]? = nil,
            maxSessionDuration: Int? = nil
        ) {
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
        /// The key id (a random UUID when absent); an imported template fixes it so references to the key match.
        public var keyId: String?
        public init(alias: String, description: String? = nil, policy: JSONText? = nil, keyId: String? = nil) {
            self.keyId = keyId
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
        /// The six characters after the name in the secret's ARN (random when absent); an imported template
        /// fixes them so policies and proxies naming the ARN find the secret.
        public var arnSuffix: String?

        public init(
            name: String,
            description: String? = nil,
            kmsKey: String? = nil,
            value: JSONText? = nil,
            generate: PasswordOptions? = nil,
            database: DatabaseUser? = nil,
            resourcePolicy: JSONText? = nil,
            arnSuffix: String? = nil
        ) {
            self.arnSuffix = arnSuffix
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
