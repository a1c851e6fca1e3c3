import Foundation

/// RDS's results, as its API model names their members and in its order, made from the sandbox's records.
enum RDSResults {
    struct UserAuthConfigInfo: Encodable {
        var description: String?
        var userName: String?
        var authScheme: String
        var secretArn: String?
        var iamAuth: String
        var clientPasswordAuthType: String?
    }

    struct DBProxy: Encodable {
        var dbProxyName: String
        var dbProxyArn: String
        var status: String
        var engineFamily: String
        var vpcId: String
        var vpcSecurityGroupIds: [String]
        var vpcSubnetIds: [String]
        var defaultAuthScheme: String?
        var auth: [UserAuthConfigInfo]
        var roleArn: String
        var endpoint: String
        var requireTLS: Bool
        var idleClientTimeout: Int
        var debugLogging: Bool
        var createdDate: Date
        var updatedDate: Date
        var endpointNetworkType = "IPV4"
        var targetConnectionNetworkType = "IPV4"

        init(_ proxy: DBProxyRecord) {
            (self.dbProxyName, self.dbProxyArn, self.status, self.engineFamily) = (
                proxy.name, proxy.arn, proxy.status.rawValue, proxy.engineFamily
            )
            (self.vpcId, self.vpcSecurityGroupIds, self.vpcSubnetIds) = (
                proxy.vpcID, proxy.securityGroupIDs, proxy.subnetIDs
            )
            self.defaultAuthScheme = proxy.defaultAuthScheme
            self.auth = proxy.auth.map { entry in
                UserAuthConfigInfo(
                    description: entry.description,
                    userName: entry.userName,
                    authScheme: entry.authScheme,
                    secretArn: entry.secretARN,
                    iamAuth: entry.iamAuth,
                    clientPasswordAuthType: entry.clientPasswordAuthType
                )
            }
            (self.roleArn, self.endpoint, self.requireTLS) = (proxy.roleARN, proxy.endpoint, proxy.requireTLS)
            (self.idleClientTimeout, self.debugLogging, self.createdDate, self.updatedDate) = (
                proxy.idleClientTimeout, proxy.debugLogging, proxy.created, proxy.updated
            )
        }
    }

    struct DBClusterMember: Encodable {
        var dbInstanceIdentifier: String
        var isClusterWriter: Bool
        var dbClusterParameterGroupStatus = "in-sync"
        var promotionTier: Int
    }

    struct DBCluster: Encodable {
        var dbClusterIdentifier: String
        var dbClusterArn: String
        var dbClusterResourceId: String
        var status: String
        var engine: String
        var engineVersion: String
        var engineMode = "provisioned"
        var endpoint: String
        var readerEndpoint: String
        var port: Int
        var masterUsername: String
        var databaseName: String?
        var multiAZ: Bool
        var dbClusterMembers: XMLList<DBClusterMember>
        var iamDatabaseAuthenticationEnabled = false
        var clusterCreateTime: Date

        enum CodingKeys: String, CodingKey {
            case dbClusterIdentifier, dbClusterArn, status, engine, engineVersion, engineMode, endpoint, readerEndpoint,
                port, masterUsername
            case databaseName, dbClusterMembers, iamDatabaseAuthenticationEnabled, clusterCreateTime
            case dbClusterResourceId = "DbClusterResourceId"
            case multiAZ = "MultiAZ"
        }

        init(_ cluster: DBClusterRecord) {
            (self.dbClusterIdentifier, self.dbClusterArn, self.dbClusterResourceId) = (
                cluster.identifier, cluster.arn, cluster.resourceID
            )
            (self.status, self.engine, self.engineVersion) = (
                cluster.status.rawValue, cluster.engine, cluster.engineVersion
            )
            (self.endpoint, self.readerEndpoint, self.port) = (cluster.endpoint, cluster.readerEndpoint, cluster.port)
            (self.masterUsername, self.databaseName, self.multiAZ) = (
                cluster.masterUsername, cluster.databaseName, cluster.members.count > 1
            )
            self.dbClusterMembers = XMLList(
                "DBClusterMember",
                cluster.members.map { member in
                    DBClusterMember(
                        dbInstanceIdentifier: member.instanceIdentifier,
                        isClusterWriter: member.isWriter,
                        promotionTier: member.promotionTier
                    )
                }
            )
            self.clusterCreateTime = cluster.created
        }
    }

    struct ConnectionPoolConfigurationInfo: Encodable {
        var maxConnectionsPercent: Int
        var maxIdleConnectionsPercent: Int
        var connectionBorrowTimeout: Int
        var sessionPinningFilters: [String]
        var initQuery: String?
    }

    struct DBProxyTargetGroup: Encodable {
        var dbProxyName: String
        var targetGroupName: String
        var targetGroupArn: String
        var isDefault = true
        var status = "available"
        var connectionPoolConfig: ConnectionPoolConfigurationInfo
        var createdDate: Date
        var updatedDate: Date

        init(_ proxy: DBProxyRecord) {
            let group = proxy.targetGroup
            (self.dbProxyName, self.targetGroupName, self.targetGroupArn) = (proxy.name, group.name, group.arn)
            self.connectionPoolConfig = .init(
                maxConnectionsPercent: group.maxConnectionsPercent,
                maxIdleConnectionsPercent: group.maxIdleConnectionsPercent,
                connectionBorrowTimeout: group.connectionBorrowTimeout,
                sessionPinningFilters: group.sessionPinningFilters,
                initQuery: group.initQuery
            )
            (self.createdDate, self.updatedDate) = (group.created, group.updated)
        }
    }

    struct TargetHealth: Encodable {
        var state: String
        var reason: String?
        var description: String?
    }

    struct DBProxyTarget: Encodable {
        var targetArn: String?
        var endpoint: String?
        var trackedClusterId: String?
        var rdsResourceId: String
        var port: Int?
        var type: String
        var role: String?
        var targetHealth: TargetHealth?

        /// DescribeDBProxyTargets' rows: a tracked cluster as TRACKED_CLUSTER, then each member with the role it has
        /// now (READ_WRITE for the writer, READ_ONLY for readers); or each registered instance. `only`: just these
        /// instances' rows.
        static func rows(of proxy: DBProxyRecord, only: [String]? = nil, data: AccountState.Data) -> [DBProxyTarget] {
            let cluster = proxy.trackedCluster.flatMap { data.dbClusters[$0] }
            let tracked = cluster.map { cluster in
                DBProxyTarget(
                    targetArn: cluster.arn,
                    endpoint: cluster.endpoint,
                    trackedClusterId: cluster.identifier,
                    rdsResourceId: cluster.identifier,
                    port: cluster.port,
                    type: "TRACKED_CLUSTER"
                )
            }
            let rows = proxy.targets.filter { only?.contains($0.instanceIdentifier) ?? true }.map { target in
                let instance = data.dbInstances[target.instanceIdentifier]
                return DBProxyTarget(
                    targetArn: instance?.arn,
                    endpoint: instance?.address,
                    trackedClusterId: cluster?.identifier,
                    rdsResourceId: target.instanceIdentifier,
                    port: instance?.port,
                    type: "RDS_INSTANCE",
                    role: cluster.map { $0.writer == target.instanceIdentifier ? "READ_WRITE" : "READ_ONLY" }
                        ?? "READ_WRITE",
                    targetHealth: .init(
                        state: target.state.rawValue,
                        reason: target.reason?.rawValue,
                        description: target.healthDescription
                    )
                )
            }
            return (tracked.map { [$0] } ?? []) + rows
        }
    }

    struct DBProxyEndpoint: Encodable {
        var dbProxyEndpointName: String
        var dbProxyEndpointArn: String
        var dbProxyName: String
        var status: String
        var vpcId: String
        var vpcSecurityGroupIds: [String]
        var vpcSubnetIds: [String]
        var endpoint: String
        var createdDate: Date
        var targetRole: String
        var isDefault: Bool
        var endpointNetworkType = "IPV4"

        init(_ endpoint: DBProxyEndpointRecord) {
            (self.dbProxyEndpointName, self.dbProxyEndpointArn, self.dbProxyName) = (
                endpoint.name, endpoint.arn, endpoint.proxyName
            )
            (self.status, self.vpcId, self.vpcSecurityGroupIds) = (
                endpoint.status.rawValue, endpoint.vpcID, endpoint.securityGroupIDs
            )
            (self.vpcSubnetIds, self.endpoint, self.createdDate) = (
                endpoint.subnetIDs, endpoint.endpoint, endpoint.created
            )
            (self.targetRole, self.isDefault) = (endpoint.targetRole.rawValue, false)
        }

        /// The proxy's own endpoint, as DescribeDBProxyEndpoints lists it.
        init(defaultOf proxy: DBProxyRecord) {
            self.dbProxyEndpointName = "default"
            self.dbProxyEndpointArn = proxy.arn.replacingOccurrences(of: ":db-proxy:", with: ":db-proxy-endpoint:")
            (self.dbProxyName, self.status, self.vpcId) = (proxy.name, proxy.status.rawValue, proxy.vpcID)
            (self.vpcSecurityGroupIds, self.vpcSubnetIds, self.endpoint, self.createdDate) = (
                proxy.securityGroupIDs, proxy.subnetIDs, proxy.endpoint, proxy.created
            )
            (self.targetRole, self.isDefault) = (DBProxyEndpointTargetRole.readWrite.rawValue, true)
        }
    }

    struct DBInstance: Encodable {
        struct Endpoint: Encodable {
            var address: String
            var port: Int
            var hostedZoneId = "Z2R2ITUGPM61AM"
        }
        struct VpcSecurityGroupMembership: Encodable {
            var vpcSecurityGroupId: String
            var status = "active"
        }
        struct DBSubnetGroup: Encodable {
            var dbSubnetGroupName = "default"
            var vpcId: String
            var subnetGroupStatus = "Complete"
        }

        var dbInstanceIdentifier: String
        var dbInstanceClass: String
        var engine: String
        var dbInstanceStatus = "available"
        var masterUsername: String
        var dbName: String?
        var endpoint: Endpoint
        var allocatedStorage = 20
        var instanceCreateTime: Date
        var backupRetentionPeriod = 1
        var vpcSecurityGroups: XMLList<VpcSecurityGroupMembership>
        var availabilityZone: String
        var dbSubnetGroup: DBSubnetGroup
        var multiAZ = false
        var engineVersion: String
        var autoMinorVersionUpgrade = true
        var publiclyAccessible = false
        var storageType = "gp3"
        var dbInstancePort = 0
        var storageEncrypted = false
        var dbiResourceId: String
        var caCertificateIdentifier = "rds-ca-rsa2048-g1"
        var dbInstanceArn: String
        var iamDatabaseAuthenticationEnabled: Bool
        var deletionProtection = false

        enum CodingKeys: String, CodingKey {
            case dbInstanceIdentifier, dbInstanceClass, engine, dbInstanceStatus, masterUsername, endpoint,
                allocatedStorage, instanceCreateTime
            case backupRetentionPeriod, vpcSecurityGroups, availabilityZone, dbSubnetGroup, engineVersion,
                autoMinorVersionUpgrade
            case publiclyAccessible, storageType, storageEncrypted, dbInstanceArn, iamDatabaseAuthenticationEnabled,
                deletionProtection
            case dbName = "DBName"
            case multiAZ = "MultiAZ"
            case dbInstancePort = "DbInstancePort"
            case dbiResourceId = "DbiResourceId"
            case caCertificateIdentifier = "CACertificateIdentifier"
        }

        init(_ instance: DBInstanceRecord, vpcID: String) {
            (self.dbInstanceIdentifier, self.dbInstanceClass, self.engine) = (
                instance.identifier, instance.instanceClass, instance.engine
            )
            (self.masterUsername, self.dbName) = (instance.masterUsername, instance.dbName)
            self.endpoint = Endpoint(address: instance.address, port: instance.port)
            self.instanceCreateTime = instance.created
            self.vpcSecurityGroups = XMLList(
                "VpcSecurityGroupMembership",
                instance.vpcSecurityGroupIDs.map { VpcSecurityGroupMembership(vpcSecurityGroupId: $0) }
            )
            (self.availabilityZone, self.dbSubnetGroup, self.engineVersion) = (
                instance.availabilityZone, DBSubnetGroup(vpcId: vpcID), instance.engineVersion
            )
            (self.dbiResourceId, self.dbInstanceArn, self.iamDatabaseAuthenticationEnabled) = (
                instance.resourceID, instance.arn, instance.iamAuthenticationEnabled
            )
        }
    }

    struct DBProxyResult: Encodable { var dbProxy: DBProxy }
    struct DBProxiesResult: Encodable { var dbProxies: [DBProxy] }
    struct DBClusterResult: Encodable { var dbCluster: DBCluster }
    struct DBClustersResult: Encodable { var dbClusters: XMLList<DBCluster> }
    struct DBInstancesResult: Encodable { var dbInstances: XMLList<DBInstance> }
    struct TargetGroupsResult: Encodable { var targetGroups: [DBProxyTargetGroup] }
    struct TargetGroupResult: Encodable { var dbProxyTargetGroup: DBProxyTargetGroup }
    struct RegisteredTargetsResult: Encodable { var dbProxyTargets: [DBProxyTarget] }
    struct TargetsResult: Encodable { var targets: [DBProxyTarget] }
    struct EndpointResult: Encodable { var dbProxyEndpoint: DBProxyEndpoint }
    struct EndpointsResult: Encodable { var dbProxyEndpoints: [DBProxyEndpoint] }
    struct Empty: Encodable {}
}
