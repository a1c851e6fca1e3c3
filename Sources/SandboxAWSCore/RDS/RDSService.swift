import Foundation

/// RDS (query protocol, 2014-10-31): the DB proxy control plane and the DB instances the sandbox runs.
/// Proxies are created `available`; their targets' health is what the proxy data plane reports.
struct RDSService: Sendable {
    static let namespace = "http://rds.amazonaws.com/doc/2014-10-31/"
    let account: AccountState
    let authorizer: Authorizer

    func handle(_ action: RDSOperation, _ form: [String: String], caller: Caller, now: Date) throws(AWSError) -> String {
        switch action {
        case .createDBProxy: return try self.createProxy(form, caller: caller, now: now)
        case .describeDBInstances: return try self.describeInstances(form, caller: caller)
        case .describeDBClusters:
            let clusters: [DBClusterRecord]
            if let id = form["DBClusterIdentifier"] {
                guard let found = self.account.dbCluster(id) else {
                    throw AWSError.dbClusterNotFound(id)
                }
                try self.authorize(caller, action, resource: found.arn)
                clusters = [found]
            } else {
                try self.authorize(caller, action, resource: "*")
                clusters = self.account.read { $0.dbClusters.values.sorted { $0.identifier < $1.identifier } }
            }
            return "<DBClusters>" + clusters.map { "<DBCluster>\(RDSXML.cluster($0))</DBCluster>" }.joined() + "</DBClusters>"
        case .failoverDBCluster:
            let id = try Self.need(form, "DBClusterIdentifier")
            try self.authorize(caller, action, resource: self.account.dbCluster(id)?.arn ?? "arn:aws:rds:\(self.account.region):\(self.account.accountID):cluster:\(id)")
            let (cluster, _) = try self.account.beginClusterFailover(id, target: form["TargetDBInstanceIdentifier"])
            return "<DBCluster>\(RDSXML.cluster(cluster))</DBCluster>"
        case .deleteDBCluster:
            let id = try Self.need(form, "DBClusterIdentifier")
            guard let cluster = self.account.dbCluster(id) else {
                throw AWSError.dbClusterNotFound(id)
            }
            try self.authorize(caller, action, resource: cluster.arn)
            // The sandbox's clusters always hold their instances, and there is no DeleteDBInstance to remove them.
            throw AWSError(.invalidDBClusterStateFault, "Cluster cannot be deleted, it still contains DB instances in non-deleting state: \(cluster.members.map(\.instanceIdentifier).joined(separator: ", ")).")
        case .createDBProxyEndpoint, .describeDBProxyEndpoints, .modifyDBProxyEndpoint, .deleteDBProxyEndpoint:
            return try self.handleEndpoint(action, form, caller: caller, now: now)
        case .describeDBProxies:
            try self.authorize(caller, action, resource: "*")
            let proxies = try form["DBProxyName"].map { name throws(AWSError) in [try self.proxy(name)] }
                ?? self.account.read { $0.proxies.values.sorted { $0.created < $1.created } }
            return "<DBProxies>" + proxies.map { "<member>\(RDSXML.proxy($0))</member>" }.joined() + "</DBProxies>"
        case .modifyDBProxy, .deleteDBProxy, .describeDBProxyTargetGroups, .modifyDBProxyTargetGroup,
             .registerDBProxyTargets, .deregisterDBProxyTargets, .describeDBProxyTargets:
            break
        }
        let name = try Self.need(form, "DBProxyName")
        let existing = try self.proxy(name)
        try self.authorize(caller, action, resource: existing.arn)
        if action != .deleteDBProxy, action != .modifyDBProxy, let group = form["TargetGroupName"], group != existing.targetGroup.name {
            throw AWSError(.dbProxyTargetGroupNotFoundFault, "DBProxy \(name) has no target group \(group); its target group is named default.")
        }
        if action == .modifyDBProxy, let role = form["RoleArn"] { try self.authorizer.authorize(caller, action: "iam:PassRole", resource: role, json: false) }
        let instances = form.members("DBInstanceIdentifiers"), clusters = form.members("DBClusterIdentifiers")
        for id in clusters where self.account.dbCluster(id) == nil { throw AWSError.dbClusterNotFound(id) }
        if action == .deleteDBProxy { _ = try self.account.deleteDBProxyEndpoints(proxy: name) }
        return try self.account.withState { (data: inout AccountState.Data) throws(AWSError) -> String in
            guard var proxy = data.proxies[name] else { throw .dbProxyNotFound(name) }
            switch action {
            case .modifyDBProxy:
                try RDSProxyInput.modify(&proxy, form, now: now)
                if proxy.name != name {
                    guard data.proxies[proxy.name] == nil else { throw .dbProxyAlreadyExists(proxy.name) }
                    data.proxies[name] = nil
                }
                data.proxies[proxy.name] = proxy
                return "<DBProxy>\(RDSXML.proxy(proxy))</DBProxy>"
            case .deleteDBProxy:
                data.proxies[name] = nil
                proxy.status = .deleting
                return "<DBProxy>\(RDSXML.proxy(proxy))</DBProxy>"
            case .describeDBProxyTargetGroups:
                return "<TargetGroups><member>\(RDSXML.targetGroup(proxy))</member></TargetGroups>"
            case .modifyDBProxyTargetGroup:
                try RDSProxyInput.modifyPool(&proxy.targetGroup, form.structure("ConnectionPoolConfig"), now: now)
                data.proxies[name] = proxy
                return "<DBProxyTargetGroup>\(RDSXML.targetGroup(proxy))</DBProxyTargetGroup>"
            case .registerDBProxyTargets:
                let added = try Self.register(instances: instances, clusters: clusters, to: &proxy, data: data)
                data.proxies[name] = proxy
                return "<DBProxyTargets>" + RDSXML.targets(of: proxy, only: added, data: data) + "</DBProxyTargets>"
            case .deregisterDBProxyTargets:
                try Self.deregister(instances: instances, clusters: clusters, from: &proxy)
                data.proxies[name] = proxy
                return ""
            default:  // DescribeDBProxyTargets
                return "<Targets>" + RDSXML.targets(of: proxy, data: data) + "</Targets>"
            }
        }
    }

    private func createProxy(_ form: [String: String], caller: Caller, now: Date) throws(AWSError) -> String {
        let resourceID = "prx-" + IDs.hex(17)
        let arn = "arn:aws:rds:\(self.account.region):\(self.account.accountID):db-proxy:\(resourceID)"
        try self.authorize(caller, .createDBProxy, resource: arn)
        let roleARN = try Self.need(form, "RoleArn")
        try self.authorizer.authorize(caller, action: "iam:PassRole", resource: roleARN, json: false)
        let proxy = try RDSProxyInput.create(form, resourceID: resourceID, arn: arn, account: self.account, now: now)
        try self.account.withState { (data: inout AccountState.Data) throws(AWSError) in
            guard data.proxies[proxy.name] == nil else { throw .dbProxyAlreadyExists(proxy.name) }
            guard data.proxies.count < 20 else {
                throw AWSError(.dbProxyQuotaExceededFault, "Your quota of DB proxies (20) is reached; delete one first.")
            }
            data.proxies[proxy.name] = proxy
        }
        return "<DBProxy>\(RDSXML.proxy(proxy))</DBProxy>"
    }

    private func describeInstances(_ form: [String: String], caller: Caller) throws(AWSError) -> String {
        let instances: [DBInstanceRecord]
        if let id = form["DBInstanceIdentifier"] {
            guard let found = self.account.read({ $0.dbInstances[id] }) else {
                throw AWSError.dbInstanceNotFound(id)
            }
            try self.authorize(caller, .describeDBInstances, resource: found.arn)
            instances = [found]
        } else {
            try self.authorize(caller, .describeDBInstances, resource: "*")
            instances = self.account.read { $0.dbInstances.values.sorted { $0.identifier < $1.identifier } }
        }
        return "<DBInstances>" + instances.map { "<DBInstance>\(RDSXML.instance($0, vpcID: self.account.defaultVpcID))</DBInstance>" }.joined() + "</DBInstances>"
    }

    func proxy(_ name: String) throws(AWSError) -> DBProxyRecord {
        guard let proxy = self.account.read({ $0.proxies[name] }) else { throw .dbProxyNotFound(name) }
        return proxy
    }

    func authorize(_ caller: Caller, _ action: RDSOperation, resource: String) throws(AWSError) {
        try self.authorizer.authorize(caller, action: action.action, resource: resource, json: false)
    }

    static func need(_ form: [String: String], _ key: String) throws(AWSError) -> String {
        guard let value = form[key], !value.isEmpty else { throw .missingParameter(key) }
        return value
    }


}
