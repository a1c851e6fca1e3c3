import Foundation

/// A DB instance as DescribeDBInstances reports it. The sandbox registers each instance it runs.
public struct DBInstanceRecord: Sendable, Equatable {
    public var identifier: String
    public var engine: String
    public var engineVersion: String
    public var instanceClass: String
    /// The DNS-style endpoint address (in the instance certificate's SANs).
    public var address: String
    public var port: Int
    public var masterUsername: String
    public var dbName: String?
    /// `db-` and 26 upper-case characters: the id rds-db:connect resources name.
    public var resourceID: String
    public var arn: String
    public var availabilityZone: String
    public var vpcSecurityGroupIDs: [String]
    public var iamAuthenticationEnabled: Bool
    public var created: Date

    public init(
        identifier: String,
        engine: String = "mysql",
        engineVersion: String,
        instanceClass: String = "db.t3.micro",
        address: String,
        port: Int,
        masterUsername: String,
        dbName: String? = nil,
        region: String,
        accountID: String,
        vpcSecurityGroupIDs: [String] = [],
        iamAuthenticationEnabled: Bool = false
    ) {
        self.identifier = identifier
        self.engine = engine
        self.engineVersion = engineVersion
        self.instanceClass = instanceClass
        self.address = address
        self.port = port
        self.masterUsername = masterUsername
        self.dbName = dbName
        self.resourceID = "db-" + IDs.upperCase(26)
        self.arn = "arn:aws:rds:\(region):\(accountID):db:\(identifier)"
        self.availabilityZone = "\(region)a"
        self.vpcSecurityGroupIDs = vpcSecurityGroupIDs
        self.iamAuthenticationEnabled = iamAuthenticationEnabled
        self.created = Date()
    }
}

/// An RDS Proxy's control-plane record: what CreateDBProxy stored and the proxy data plane reads.
public struct DBProxyRecord: Sendable, Equatable {
    /// One entry of the proxy's `Auth` list.
    public struct UserAuth: Sendable, Equatable {
        public var description: String?
        public var userName: String?
        public var authScheme: String
        public var secretARN: String?
        /// DISABLED, REQUIRED or ENABLED.
        public var iamAuth: String
        public var clientPasswordAuthType: String?
    }

    /// The proxy's (single, `default`) target group and its connection pool settings.
    public struct TargetGroup: Sendable, Equatable {
        public var name = "default"
        public var arn: String
        public var maxConnectionsPercent = 100
        public var maxIdleConnectionsPercent = 50
        public var connectionBorrowTimeout = 120
        public var sessionPinningFilters: [String] = []
        public var initQuery: String?
        public var created: Date
        public var updated: Date
    }

    /// A registered DB instance (or a tracked cluster's member) and its health, which the proxy's data plane reports.
    public struct Target: Sendable, Equatable {
        public var instanceIdentifier: String
        public var state = TargetHealthState.registering
        public var reason: TargetHealthReason?
        public var healthDescription: String?
    }

    public var name: String
    /// `prx-` and 17 hex digits.
    public var resourceID: String
    public var arn: String
    public var status = DBProxyStatus.available
    public var engineFamily: String
    public var defaultAuthScheme: String?
    public var auth: [UserAuth]
    public var roleARN: String
    public var vpcID: String
    public var subnetIDs: [String]
    public var securityGroupIDs: [String]
    public var requireTLS: Bool
    public var idleClientTimeout: Int
    public var debugLogging: Bool
    /// `<name>.proxy-<suffix>.<region>.rds.amazonaws.com`.
    public var endpoint: String
    public var created: Date
    public var updated: Date
    public var targetGroup: TargetGroup
    /// The registered DB instances; with a tracked cluster, each of its members (their roles follow its writer).
    public var targets: [Target] = []
    /// The Aurora DB cluster the target group tracks (RegisterDBProxyTargets' DBClusterIdentifiers), if any.
    public var trackedCluster: String?
}

/// DescribeDBProxies' Status, as far as the sandbox changes it.
public enum DBProxyStatus: String, Sendable, Equatable {
    case available
    /// DeleteDBProxy's answer: the proxy is gone once it returns.
    case deleting
}
