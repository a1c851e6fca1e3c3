import Foundation

/// RDS shapes rendered as the query protocol's XML (lists as `<member>` unless the model names the element).
enum RDSXML {
    static func proxy(_ proxy: DBProxyRecord) -> String {
        let auth = proxy.auth.map { entry in
            "<member>" + XML.element("Description", entry.description) + XML.element("UserName", entry.userName)
                + XML.element("AuthScheme", entry.authScheme) + XML.element("SecretArn", entry.secretARN) + XML.element("IAMAuth", entry.iamAuth)
                + XML.element("ClientPasswordAuthType", entry.clientPasswordAuthType) + "</member>"
        }.joined()
        return XML.element("DBProxyName", proxy.name) + XML.element("DBProxyArn", proxy.arn) + XML.element("Status", proxy.status.rawValue)
            + XML.element("EngineFamily", proxy.engineFamily) + XML.element("VpcId", proxy.vpcID)
            + "<VpcSecurityGroupIds>" + Self.members(proxy.securityGroupIDs) + "</VpcSecurityGroupIds>"
            + "<VpcSubnetIds>" + Self.members(proxy.subnetIDs) + "</VpcSubnetIds>"
            + XML.element("DefaultAuthScheme", proxy.defaultAuthScheme) + "<Auth>\(auth)</Auth>" + XML.element("RoleArn", proxy.roleARN)
            + XML.element("Endpoint", proxy.endpoint) + XML.element("RequireTLS", String(proxy.requireTLS))
            + XML.element("IdleClientTimeout", String(proxy.idleClientTimeout)) + XML.element("DebugLogging", String(proxy.debugLogging))
            + XML.element("CreatedDate", Self.date(proxy.created)) + XML.element("UpdatedDate", Self.date(proxy.updated))
            + XML.element("EndpointNetworkType", "IPV4") + XML.element("TargetConnectionNetworkType", "IPV4")
    }

    static func cluster(_ cluster: DBClusterRecord) -> String {
        let members = cluster.members.map { member in
            "<DBClusterMember>" + XML.element("DBInstanceIdentifier", member.instanceIdentifier) + XML.element("IsClusterWriter", String(member.isWriter))
                + XML.element("DBClusterParameterGroupStatus", "in-sync") + XML.element("PromotionTier", String(member.promotionTier)) + "</DBClusterMember>"
        }.joined()
        return XML.element("DBClusterIdentifier", cluster.identifier) + XML.element("DBClusterArn", cluster.arn)
            + XML.element("DbClusterResourceId", cluster.resourceID) + XML.element("Status", cluster.status.rawValue)
            + XML.element("Engine", cluster.engine) + XML.element("EngineVersion", cluster.engineVersion) + XML.element("EngineMode", "provisioned")
            + XML.element("Endpoint", cluster.endpoint) + XML.element("ReaderEndpoint", cluster.readerEndpoint) + XML.element("Port", String(cluster.port))
            + XML.element("MasterUsername", cluster.masterUsername) + XML.element("DatabaseName", cluster.databaseName)
            + XML.element("MultiAZ", String(cluster.members.count > 1)) + "<DBClusterMembers>\(members)</DBClusterMembers>"
            + XML.element("IAMDatabaseAuthenticationEnabled", "false") + XML.element("ClusterCreateTime", Self.date(cluster.created))
    }

    static func targetGroup(_ proxy: DBProxyRecord) -> String {
        let group = proxy.targetGroup
        return XML.element("DBProxyName", proxy.name) + XML.element("TargetGroupName", group.name) + XML.element("TargetGroupArn", group.arn)
            + XML.element("IsDefault", "true") + XML.element("Status", "available")
            + "<ConnectionPoolConfig>" + XML.element("MaxConnectionsPercent", String(group.maxConnectionsPercent))
            + XML.element("MaxIdleConnectionsPercent", String(group.maxIdleConnectionsPercent))
            + XML.element("ConnectionBorrowTimeout", String(group.connectionBorrowTimeout))
            + "<SessionPinningFilters>" + Self.members(group.sessionPinningFilters) + "</SessionPinningFilters>"
            + XML.element("InitQuery", group.initQuery) + "</ConnectionPoolConfig>"
            + XML.element("CreatedDate", Self.date(group.created)) + XML.element("UpdatedDate", Self.date(group.updated))
    }

    /// DescribeDBProxyTargets' rows: a tracked cluster as TRACKED_CLUSTER, then each member with the role it has now
    /// (READ_WRITE for the writer, READ_ONLY for readers); or each registered instance. `only`: just these instances' rows.
    static func targets(of proxy: DBProxyRecord, only: [String]? = nil, data: AccountState.Data) -> String {
        let cluster = proxy.trackedCluster.flatMap { data.dbClusters[$0] }
        let tracked = cluster.map { cluster in
            XML.element("TargetArn", cluster.arn) + XML.element("Endpoint", cluster.endpoint) + XML.element("TrackedClusterId", cluster.identifier)
                + XML.element("RdsResourceId", cluster.identifier) + XML.element("Port", String(cluster.port)) + XML.element("Type", "TRACKED_CLUSTER")
        }
        let rows = proxy.targets.filter { only?.contains($0.instanceIdentifier) ?? true }.map { target in
            let instance = data.dbInstances[target.instanceIdentifier]
            let role = cluster.map { $0.writer == target.instanceIdentifier ? "READ_WRITE" : "READ_ONLY" } ?? "READ_WRITE"
            return XML.element("TargetArn", instance?.arn) + XML.element("Endpoint", instance?.address) + XML.element("TrackedClusterId", cluster?.identifier)
                + XML.element("RdsResourceId", target.instanceIdentifier) + XML.element("Port", instance.map { String($0.port) })
                + XML.element("Type", "RDS_INSTANCE") + XML.element("Role", role)
                + "<TargetHealth>" + XML.element("State", target.state.rawValue) + XML.element("Reason", target.reason?.rawValue)
                + XML.element("Description", target.healthDescription) + "</TargetHealth>"
        }
        return ((tracked.map { [$0] } ?? []) + rows).map { "<member>\($0)</member>" }.joined()
    }

    static func endpoint(_ endpoint: DBProxyEndpointRecord) -> String {
        Self.endpointFields(name: endpoint.name, arn: endpoint.arn, proxy: endpoint.proxyName, status: endpoint.status.rawValue, vpcID: endpoint.vpcID,
                            securityGroups: endpoint.securityGroupIDs, subnets: endpoint.subnetIDs, address: endpoint.endpoint, created: endpoint.created,
                            role: endpoint.targetRole, isDefault: false)
    }

    /// The proxy's own endpoint, as DescribeDBProxyEndpoints lists it.
    static func defaultEndpoint(of proxy: DBProxyRecord) -> String {
        Self.endpointFields(name: "default", arn: proxy.arn.replacingOccurrences(of: ":db-proxy:", with: ":db-proxy-endpoint:"), proxy: proxy.name,
                            status: proxy.status.rawValue, vpcID: proxy.vpcID, securityGroups: proxy.securityGroupIDs, subnets: proxy.subnetIDs,
                            address: proxy.endpoint, created: proxy.created, role: .readWrite, isDefault: true)
    }

    private static func endpointFields(name: String, arn: String, proxy: String, status: String, vpcID: String, securityGroups: [String], subnets: [String],
                                       address: String, created: Date, role: DBProxyEndpointTargetRole, isDefault: Bool) -> String {
        XML.element("DBProxyEndpointName", name) + XML.element("DBProxyEndpointArn", arn) + XML.element("DBProxyName", proxy)
            + XML.element("Status", status) + XML.element("VpcId", vpcID)
            + "<VpcSecurityGroupIds>" + Self.members(securityGroups) + "</VpcSecurityGroupIds>"
            + "<VpcSubnetIds>" + Self.members(subnets) + "</VpcSubnetIds>"
            + XML.element("Endpoint", address) + XML.element("CreatedDate", Self.date(created)) + XML.element("TargetRole", role.rawValue)
            + XML.element("IsDefault", String(isDefault)) + XML.element("EndpointNetworkType", "IPV4")
    }

    static func instance(_ instance: DBInstanceRecord, vpcID: String) -> String {
        XML.element("DBInstanceIdentifier", instance.identifier) + XML.element("DBInstanceClass", instance.instanceClass)
            + XML.element("Engine", instance.engine) + XML.element("DBInstanceStatus", "available")
            + XML.element("MasterUsername", instance.masterUsername) + XML.element("DBName", instance.dbName)
            + "<Endpoint>" + XML.element("Address", instance.address) + XML.element("Port", String(instance.port))
            + XML.element("HostedZoneId", "Z2R2ITUGPM61AM") + "</Endpoint>"
            + XML.element("AllocatedStorage", "20") + XML.element("InstanceCreateTime", Self.date(instance.created))
            + XML.element("BackupRetentionPeriod", "1")
            + "<VpcSecurityGroups>" + instance.vpcSecurityGroupIDs.map {
                "<VpcSecurityGroupMembership>" + XML.element("VpcSecurityGroupId", $0) + XML.element("Status", "active") + "</VpcSecurityGroupMembership>"
            }.joined() + "</VpcSecurityGroups>"
            + XML.element("AvailabilityZone", instance.availabilityZone)
            + "<DBSubnetGroup>" + XML.element("DBSubnetGroupName", "default") + XML.element("VpcId", vpcID) + XML.element("SubnetGroupStatus", "Complete") + "</DBSubnetGroup>"
            + XML.element("MultiAZ", "false") + XML.element("EngineVersion", instance.engineVersion) + XML.element("AutoMinorVersionUpgrade", "true")
            + XML.element("PubliclyAccessible", "false") + XML.element("StorageType", "gp3") + XML.element("DbInstancePort", "0")
            + XML.element("StorageEncrypted", "false") + XML.element("DbiResourceId", instance.resourceID)
            + XML.element("CACertificateIdentifier", "rds-ca-rsa2048-g1") + XML.element("DBInstanceArn", instance.arn)
            + XML.element("IAMDatabaseAuthenticationEnabled", String(instance.iamAuthenticationEnabled))
            + XML.element("DeletionProtection", "false")
    }

    private static func members(_ values: [String]) -> String { values.map { XML.element("member", $0) }.joined() }

    private static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
