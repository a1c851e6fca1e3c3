import Foundation

/// RDS (query protocol, 2014-10-31): the DB proxy control plane and the DB instances the sandbox runs.
/// Proxies are created `available`; their targets' health is what the proxy data plane reports.
struct RDSService: Sendable {
    static let namespace = "http://rds.amazonaws.com/doc/2014-10-31/"
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ action: RDSOperation, _ form: QueryForm, caller: Caller, now: Date) throws(AWSError) -> String {
        try QueryXMLEncoder.encode(try self.result(action, form, caller: caller, now: now))
    }

    private func result(
        _ action: RDSOperation,
        _ form: QueryForm,
        caller: Caller,
        now: Date
    ) throws(AWSError) -> any Encodable {
        func input<Input: Decodable>(_ type: Input.Type) throws(AWSError) -> Input {
            try form.decode(type, style: .invalidParameterValue)
        }
        switch action {
        case .createDBProxy:
            return try self.createProxy(try input(RDSInputs.CreateDBProxy.self), caller: caller, now: now)
        case .describeDBInstances:
            return try self.describeInstances(try input(RDSInputs.DescribeDBInstances.self), caller: caller)
        case .describeDBClusters:
            let request = try input(RDSInputs.DescribeDBClusters.self)
            let clusters: [DBClusterRecord]
            if let id = request.dbClusterIdentifier {
                guard let found = self.account.dbCluster(id) else { throw AWSError.dbClusterNotFound(id) }
                try self.authorize(caller, action, resource: found.arn)
                clusters = [found]
            } else {
                try self.authorize(caller, action, resource: "*")
                clusters = self.account.read { $0.dbClusters.values.sorted { $0.identifier < $1.identifier } }
            }
            return RDSResults.DBClustersResult(
                dbClusters: XMLList("DBCluster", clusters.map(RDSResults.DBCluster.init))
            )
        case .failoverDBCluster:
            let request = try input(RDSInputs.FailoverDBCluster.self)
            let id = request.dbClusterIdentifier
            try self.authorize(
                caller,
                action,
                resource: self.account.dbCluster(id)?.arn
                    ?? "arn:aws:rds:\(self.account.region):\(self.account.accountID):cluster:\(id)"
            )
            let (cluster, _) = try self.account.beginClusterFailover(id, target: request.targetDBInstanceIdentifier)
            return RDSResults.DBClusterResult(dbCluster: .init(cluster))
        case .deleteDBCluster:
            let id = try input(RDSInputs.DeleteDBCluster.self).dbClusterIdentifier
            guard let cluster = self.account.dbCluster(id) else { throw AWSError.dbClusterNotFound(id) }
            try self.authorize(caller, action, resource: cluster.arn)
            // The sandbox's clusters always hold their instances, and there is no DeleteDBInstance to remove them.
            throw AWSError(
                .invalidDBClusterStateFault,
                "Cluster cannot be deleted, it still contains DB instances in non-deleting state: "
                    + "\(cluster.members.map(\.instanceIdentifier).joined(separator: ", "))."
            )
        case .createDBProxyEndpoint, .describeDBProxyEndpoints, .modifyDBProxyEndpoint, .deleteDBProxyEndpoint:
            return try self.handleEndpoint(action, form, caller: caller, now: now)
        case .describeDBProxies:
            let request = try input(RDSInputs.DescribeDBProxies.self)
            try self.authorize(caller, action, resource: "*")
            let proxies =
                try request.dbProxyName.map { name throws(AWSError) in [try self.proxy(name)] }
                ?? self.account.read { $0.proxies.values.sorted { $0.created < $1.created } }
            return RDSResults.DBProxiesResult(dbProxies: proxies.map(RDSResults.DBProxy.init))
        case .modifyDBProxy:
            let request = try input(RDSInputs.ModifyDBProxy.self)
            let name = request.dbProxyName
            try self.authorize(caller, action, resource: try self.proxy(name).arn)
            if let role = request.roleArn {
                try self.authorizer.authorize(caller, action: "iam:PassRole", resource: role, json: false)
            }
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> any Encodable in
                guard var proxy = data.proxies[name] else { throw .dbProxyNotFound(name) }
                try RDSProxyInput.modify(&proxy, request, now: now)
                if proxy.name != name {
                    guard data.proxies[proxy.name] == nil else { throw .dbProxyAlreadyExists(proxy.name) }
                    data.proxies[name] = nil
                }
                data.proxies[proxy.name] = proxy
                return RDSResults.DBProxyResult(dbProxy: .init(proxy))
            }
        case .deleteDBProxy:
            let name = try input(RDSInputs.DBProxyName.self).dbProxyName
            try self.authorize(caller, action, resource: try self.proxy(name).arn)
            _ = try self.account.deleteDBProxyEndpoints(proxy: name)
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> any Encodable in
                guard var proxy = data.proxies.removeValue(forKey: name) else { throw .dbProxyNotFound(name) }
                proxy.status = .deleting
                return RDSResults.DBProxyResult(dbProxy: .init(proxy))
            }
        case .describeDBProxyTargetGroups, .describeDBProxyTargets:
            let request = try input(RDSInputs.TargetGroupRequest.self)
            let proxy = try self.targetGroupProxy(
                request.dbProxyName,
                group: request.targetGroupName,
                action,
                caller: caller
            )
            if action == .describeDBProxyTargetGroups {
                return RDSResults.TargetGroupsResult(targetGroups: [.init(proxy)])
            }
            return self.account.read {
                RDSResults.TargetsResult(targets: RDSResults.DBProxyTarget.rows(of: proxy, data: $0))
            }
        case .modifyDBProxyTargetGroup:
            let request = try input(RDSInputs.ModifyDBProxyTargetGroup.self)
            let name = request.dbProxyName
            _ = try self.targetGroupProxy(name, group: request.targetGroupName, action, caller: caller)
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> any Encodable in
                guard var proxy = data.proxies[name] else { throw .dbProxyNotFound(name) }
                try RDSProxyInput.modifyPool(&proxy.targetGroup, request.connectionPoolConfig ?? .init(), now: now)
                data.proxies[name] = proxy
                return RDSResults.TargetGroupResult(dbProxyTargetGroup: .init(proxy))
            }
        case .registerDBProxyTargets, .deregisterDBProxyTargets:
            let request = try input(RDSInputs.ProxyTargets.self)
            let name = request.dbProxyName
            _ = try self.targetGroupProxy(name, group: request.targetGroupName, action, caller: caller)
            let (instances, clusters) = (request.dbInstanceIdentifiers, request.dbClusterIdentifiers)
            for id in clusters where self.account.dbCluster(id) == nil { throw AWSError.dbClusterNotFound(id) }
            return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> any Encodable in
                guard var proxy = data.proxies[name] else { throw .dbProxyNotFound(name) }
                if action == .deregisterDBProxyTargets {
                    try Self.deregister(instances: instances, clusters: clusters, from: &proxy)
                    data.proxies[name] = proxy
                    return RDSResults.Empty()
                }
                let added = try Self.register(instances: instances, clusters: clusters, to: &proxy, data: data)
                data.proxies[name] = proxy
                return RDSResults.RegisteredTargetsResult(
                    dbProxyTargets: RDSResults.DBProxyTarget.rows(of: proxy, only: added, data: data)
                )
            }
        }
    }

    /// The proxy `name`, authorized for `action`, whose target group is `group` (the only one, `default`).
    private func targetGroupProxy(
        _ name: String,
        group: String?,
        _ action: RDSOperation,
        caller: Caller
    ) throws(AWSError) -> DBProxyRecord {
        let proxy = try self.proxy(name)
        try self.authorize(caller, action, resource: proxy.arn)
        if let group, group != proxy.targetGroup.name {
            throw AWSError(
                .dbProxyTargetGroupNotFoundFault,
                "DBProxy \(name) has no target group \(group); its target group is named default."
            )
        }
        return proxy
    }

    private func createProxy(
        _ request: RDSInputs.CreateDBProxy,
        caller: Caller,
        now: Date
    ) throws(AWSError) -> RDSResults.DBProxyResult {
        let resourceID = "prx-" + IDs.hex(17)
        let arn = "arn:aws:rds:\(self.account.region):\(self.account.accountID):db-proxy:\(resourceID)"
        try self.authorize(caller, .createDBProxy, resource: arn)
        try self.authorizer.authorize(caller, action: "iam:PassRole", resource: request.roleArn, json: false)
        let proxy = try RDSProxyInput.create(request, resourceID: resourceID, arn: arn, account: self.account, now: now)
        try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in
            guard data.proxies[proxy.name] == nil else { throw .dbProxyAlreadyExists(proxy.name) }
            guard data.proxies.count < 20 else {
                throw AWSError(
                    .dbProxyQuotaExceededFault,
                    "Your quota of DB proxies (20) is reached; delete one first."
                )
            }
            data.proxies[proxy.name] = proxy
        }
        return RDSResults.DBProxyResult(dbProxy: .init(proxy))
    }

    private func describeInstances(
        _ request: RDSInputs.DescribeDBInstances,
        caller: Caller
    ) throws(AWSError) -> RDSResults.DBInstancesResult {
        let instances: [DBInstanceRecord]
        if let id = request.dbInstanceIdentifier {
            guard let found = self.account.read({ $0.dbInstances[id] }) else { throw AWSError.dbInstanceNotFound(id) }
            try self.authorize(caller, .describeDBInstances, resource: found.arn)
            instances = [found]
        } else {
            try self.authorize(caller, .describeDBInstances, resource: "*")
            instances = self.account.read { $0.dbInstances.values.sorted { $0.identifier < $1.identifier } }
        }
        let vpcID = self.account.defaultVpcID
        return RDSResults.DBInstancesResult(
            dbInstances: XMLList("DBInstance", instances.map { RDSResults.DBInstance($0, vpcID: vpcID) })
        )
    }

    func proxy(_ name: String) throws(AWSError) -> DBProxyRecord {
        guard let proxy = self.account.read({ $0.proxies[name] }) else { throw .dbProxyNotFound(name) }
        return proxy
    }

    func authorize(_ caller: Caller, _ action: RDSOperation, resource: String) throws(AWSError) {
        try self.authorizer.authorize(caller, action: action.action, resource: resource, json: false)
    }
}
