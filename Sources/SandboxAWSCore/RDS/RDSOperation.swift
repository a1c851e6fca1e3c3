/// RDS's actions (query protocol, `Action=`) that the sandbox serves; any other is InvalidAction.
enum RDSOperation: String, Sendable, CaseIterable {
    case createDBProxy = "CreateDBProxy", createDBProxyEndpoint = "CreateDBProxyEndpoint"
    case deleteDBCluster = "DeleteDBCluster", deleteDBProxy = "DeleteDBProxy"
    case deleteDBProxyEndpoint = "DeleteDBProxyEndpoint"
    case deregisterDBProxyTargets = "DeregisterDBProxyTargets", describeDBClusters = "DescribeDBClusters"
    case describeDBInstances = "DescribeDBInstances", describeDBProxies = "DescribeDBProxies"
    case describeDBProxyEndpoints = "DescribeDBProxyEndpoints"
    case describeDBProxyTargetGroups = "DescribeDBProxyTargetGroups"
    case describeDBProxyTargets = "DescribeDBProxyTargets", failoverDBCluster = "FailoverDBCluster"
    case modifyDBProxy = "ModifyDBProxy", modifyDBProxyEndpoint = "ModifyDBProxyEndpoint"
    case modifyDBProxyTargetGroup = "ModifyDBProxyTargetGroup"
    case registerDBProxyTargets = "RegisterDBProxyTargets"

    /// The IAM action it is authorized as.
    var action: String { "rds:\(self.rawValue)" }
}
