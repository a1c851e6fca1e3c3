import Foundation

/// An Aurora-style DB cluster as DescribeDBClusters reports it. The sandbox registers each cluster it runs and
/// keeps its writer and status current through failover.
public struct DBClusterRecord: Sendable, Equatable {
    /// One instance of the cluster.
    public struct Member: Sendable, Equatable {
        public var instanceIdentifier: String
        public var isWriter: Bool
        public var promotionTier = 1
    }

    public var identifier: String
    public var engine = "aurora-mysql"
    public var engineVersion: String
    /// `<id>.cluster-<suffix>.<region>.rds.amazonaws.com`: follows the writer.
    public var endpoint: String
    /// `<id>.cluster-ro-<suffix>.<region>.rds.amazonaws.com`.
    public var readerEndpoint: String
    public var port: Int
    public var masterUsername: String
    public var databaseName: String?
    /// `cluster-` and 26 upper-case characters.
    public var resourceID: String
    public var arn: String
    public var status = DBClusterStatus.available
    public var members: [Member]
    public var created: Date

    public init(
        identifier: String,
        engineVersion: String,
        endpoint: String,
        readerEndpoint: String,
        port: Int,
        masterUsername: String,
        databaseName: String?,
        members: [String],
        region: String,
        accountID: String
    ) {
        self.identifier = identifier
        self.engineVersion = engineVersion
        self.endpoint = endpoint
        self.readerEndpoint = readerEndpoint
        self.port = port
        self.masterUsername = masterUsername
        self.databaseName = databaseName
        self.resourceID = "cluster-" + IDs.upperCase(26)
        self.arn = "arn:aws:rds:\(region):\(accountID):cluster:\(identifier)"
        self.members = members.enumerated().map { Member(instanceIdentifier: $0.element, isWriter: $0.offset == 0) }
        self.created = Date()
    }

    public var writer: String? { self.members.first { $0.isWriter }?.instanceIdentifier }
}

/// What runs a cluster's failover on the data plane once FailoverDBCluster (or a writer going down) has begun it:
/// it reports the end with `AccountState.completeClusterFailover`.
public typealias ClusterFailoverRunner = @Sendable (_ cluster: String, _ target: String) -> Void

/// DescribeDBClusters' Status, as far as the sandbox changes it.
public enum DBClusterStatus: String, Sendable, Equatable, CustomStringConvertible {
    case available
    /// While a reader is promoted.
    case failingOver = "failing-over"

    public var description: String { self.rawValue }
}
