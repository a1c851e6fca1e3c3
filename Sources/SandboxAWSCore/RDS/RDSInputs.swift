/// RDS's requests, as its API model names their members. Each lists every member AWS accepts; what the sandbox does
/// not model (tags, filters, paging, network types) is accepted and not kept.
enum RDSInputs {
    enum TagMember: QueryMemberName { static let name = "Tag" }
    enum FilterMember: QueryMemberName { static let name = "Filter" }
    enum ValueMember: QueryMemberName { static let name = "Value" }

    struct Tag: Decodable {
        var key: String?
        var value: String?
    }
    typealias Tags = NamedMemberList<Tag, TagMember>
    struct Filter: Decodable {
        var name: String
        var values: NamedMemberList<String, ValueMember>
    }
    typealias Filters = NamedMemberList<Filter, FilterMember>

    struct UserAuthConfig: Decodable {
        var description: String?
        var userName: String?
        var authScheme: String?
        var secretArn: String?
        var iamAuth: String?
        var clientPasswordAuthType: String?
    }

    struct CreateDBProxy: Decodable {
        var dbProxyName: String
        var engineFamily: String
        var auth: [UserAuthConfig]
        var roleArn: String
        var vpcSubnetIds: [String]
        var vpcSecurityGroupIds: [String]
        var requireTLS: Bool?
        var idleClientTimeout: Int?
        var debugLogging: Bool?
        var tags: Tags
        var defaultAuthScheme: String?
        var endpointNetworkType: String?
        var targetConnectionNetworkType: String?
    }

    struct ModifyDBProxy: Decodable {
        var dbProxyName: String
        var newDBProxyName: String?
        var defaultAuthScheme: String?
        var auth: [UserAuthConfig]?
        var requireTLS: Bool?
        var idleClientTimeout: Int?
        var debugLogging: Bool?
        var roleArn: String?
        var securityGroups: [String]
    }

    struct DBProxyName: Decodable { var dbProxyName: String }

    struct DescribeDBProxies: Decodable {
        var dbProxyName: String?
        var filters: Filters
        var marker: String?
        var maxRecords: Int?
    }

    struct TargetGroupRequest: Decodable {
        var dbProxyName: String
        var targetGroupName: String?
        var filters: Filters
        var marker: String?
        var maxRecords: Int?
    }

    struct ConnectionPoolConfig: Decodable {
        var maxConnectionsPercent: Int?
        var maxIdleConnectionsPercent: Int?
        var connectionBorrowTimeout: Int?
        var sessionPinningFilters: [String]?
        var initQuery: String?
    }

    struct ModifyDBProxyTargetGroup: Decodable {
        var targetGroupName: String
        var dbProxyName: String
        var connectionPoolConfig: ConnectionPoolConfig?
        var newName: String?
    }

    struct ProxyTargets: Decodable {
        var dbProxyName: String
        var targetGroupName: String?
        var dbInstanceIdentifiers: [String]
        var dbClusterIdentifiers: [String]
    }

    struct DescribeDBInstances: Decodable {
        var dbInstanceIdentifier: String?
        var filters: Filters
        var maxRecords: Int?
        var marker: String?
    }

    struct DescribeDBClusters: Decodable {
        var dbClusterIdentifier: String?
        var filters: Filters
        var maxRecords: Int?
        var marker: String?
        var includeShared: Bool?
    }

    struct FailoverDBCluster: Decodable {
        var dbClusterIdentifier: String
        var targetDBInstanceIdentifier: String?
    }

    struct DeleteDBCluster: Decodable {
        var dbClusterIdentifier: String
        var skipFinalSnapshot: Bool?
        var finalDBSnapshotIdentifier: String?
        var deleteAutomatedBackups: Bool?
    }

    struct CreateDBProxyEndpoint: Decodable {
        var dbProxyName: String
        var dbProxyEndpointName: String
        var vpcSubnetIds: [String]
        var vpcSecurityGroupIds: [String]
        var targetRole: String?
        var tags: Tags
        var endpointNetworkType: String?
    }

    struct DescribeDBProxyEndpoints: Decodable {
        var dbProxyName: String?
        var dbProxyEndpointName: String?
        var filters: Filters
        var marker: String?
        var maxRecords: Int?
    }

    struct ModifyDBProxyEndpoint: Decodable {
        var dbProxyEndpointName: String
        var newDBProxyEndpointName: String?
        var vpcSecurityGroupIds: [String]
    }

    struct DBProxyEndpointName: Decodable { var dbProxyEndpointName: String }
}
