/// RDS's actions (query protocol, `Action=`) that the sandbox serves; any other is InvalidAction.
enum RDSOperation: String, Sendable, CaseIterable {
    case createDBProxy = "CreateDBProxy"
    case createDBProxyEndpoint = "CreateDBProxyEndpoint"
    case deleteDBCluster = "DeleteDBCluster"
    case deleteDBProxy = "DeleteDBProxy"
    case deleteDBProxyEndpoint = "DeleteDBProxyEndpoint"
    case deregisterDBProxyTargets = "DeregisterDBProxyTargets"
    case describeDBClusters = "DescribeDBClusters"
    case describeDBInstances = "DescribeDBInstances"
    case describeDBProxies = "DescribeDBProxies"
    case describeDBProxyEndpoints = "DescribeDBProxyEndpoints"
    case describeDBProxyTargetGroups = "DescribeDBProxyTargetGroups"
    case describeDBProxyTargets = "DescribeDBProxyTargets"
    case failoverDBCluster = "FailoverDBCluster"
    case modifyDBProxy = "ModifyDBProxy"
    case modifyDBProxyEndpoint = "ModifyDBProxyEndpoint"
    case modifyDBProxyTargetGroup = "ModifyDBProxyTargetGroup"
    case registerDBProxyTargets = "RegisterDBProxyTargets"

    /// The IAM action it is authorized as.
    var action: String { "rds:\(self.rawValue)" }
}
