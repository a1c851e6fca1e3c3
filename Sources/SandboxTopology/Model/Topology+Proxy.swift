import SandboxAWSCore

extension Topology {
    /// An RDS Proxy in front of one of the topology's instances.
    public struct Proxy: Sendable, Codable, Equatable {
        public struct Auth: Sendable, Codable, Equatable {
            /// UserAuthConfig's IAMAuth.
            public enum IAMAuth: String, Sendable, Codable, CaseIterable {
                case disabled = "DISABLED"
                case required = "REQUIRED"
                case enabled = "ENABLED"
            }

            /// UserAuthConfig's ClientPasswordAuthType: what clients speak to the proxy (MySQL's or PostgreSQL's).
            public enum ClientPasswordAuthType: String, Sendable, Codable, CaseIterable {
                case nativePassword = "MYSQL_NATIVE_PASSWORD"
                case cachingSHA2Password = "MYSQL_CACHING_SHA2_PASSWORD"
                case scramSHA256 = "POSTGRES_SCRAM_SHA_256"
                case md5 = "POSTGRES_MD5"

                /// The engine family it belongs to.
                public var family: String { self.rawValue.hasPrefix("POSTGRES") ? "POSTGRESQL" : "MYSQL" }
            }

            /// A secret of `secrets` (name) or any secret ARN.
            public var secret: String
            /// DISABLED by default.
            public var iamAuth: IAMAuth?
            /// MYSQL_NATIVE_PASSWORD, or POSTGRES_SCRAM_SHA_256 for a PostgreSQL target, by default.
            public var clientPasswordAuthType: ClientPasswordAuthType?
            public init(secret: String, iamAuth: IAMAuth? = nil, clientPasswordAuthType: ClientPasswordAuthType? = nil)
            {
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
            public init(
                maxConnectionsPercent: Int? = nil,
                maxIdleConnectionsPercent: Int? = nil,
                connectionBorrowTimeout: Int? = nil,
                initQuery: String? = nil,
                sessionPinningFilters: [String]? = nil
            ) {
                self.maxConnectionsPercent = maxConnectionsPercent
                self.maxIdleConnectionsPercent = maxIdleConnectionsPercent
                self.connectionBorrowTimeout = connectionBorrowTimeout
                self.initQuery = initQuery
                self.sessionPinningFilters = sessionPinningFilters
            }
        }

        /// An additional endpoint (CreateDBProxyEndpoint, `AWS::RDS::DBProxyEndpoint`): its own DNS name, listener and
        /// security groups. READ_ONLY ones route to the target cluster's readers (writes get 1290) and follow failover.
        public struct Endpoint: Sendable, Codable, Equatable {
            public var name: String
            /// READ_WRITE by default.
            public var targetRole: DBProxyEndpointTargetRole?
            /// With a network: the subnets of its ENIs (the first carries its listener) and its security groups; the
            /// proxy's by default.
            public var subnets: [String]?
            public var securityGroups: [String]?
            public init(
                name: String,
                targetRole: DBProxyEndpointTargetRole? = nil,
                subnets: [String]? = nil,
                securityGroups: [String]? = nil
            ) {
                self.name = name
                self.targetRole = targetRole
                self.subnets = subnets
                self.securityGroups = securityGroups
            }
        }

        public var name: String
        /// MYSQL or POSTGRESQL; the target's engine decides it, and a different value here is refused.
        public var engineFamily: String?
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
        /// The `prx-…` resource id (random when absent); an imported template fixes it so its `rds-db:connect`
        /// policies name the proxy they were written for.
        public var resourceId: String?
        /// Endpoints besides the proxy's own.
        public var endpoints: [Endpoint]?

        public init(
            name: String,
            role: String,
            auth: [Auth],
            target: String,
            requireTLS: Bool? = nil,
            idleClientTimeout: Int? = nil,
            targetGroup: TargetGroup? = nil,
            subnets: [String]? = nil,
            securityGroups: [String]? = nil,
            maxClientConnections: Int? = nil,
            resourceId: String? = nil,
            endpoints: [Endpoint]? = nil,
            engineFamily: String? = nil
        ) {
            self.engineFamily = engineFamily
            self.endpoints = endpoints
            self.resourceId = resourceId
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

extension Topology {
    /// Every proxy endpoint with the proxy it belongs to and its path, in the order their listeners are placed.
    package var placedProxyEndpoints: [(path: String, proxy: Proxy, endpoint: Proxy.Endpoint)] {
        (self.proxies ?? []).enumerated().flatMap { p, proxy in
            (proxy.endpoints ?? []).enumerated().map { ("proxies[\(p)].endpoints[\($0.offset)]", proxy, $0.element) }
        }
    }
}
