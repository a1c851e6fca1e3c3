import Foundation

/// A proxy's additional endpoints: created from the topology or by CreateDBProxyEndpoint, run by the data plane.
extension AccountState {
    /// Where proxy endpoints run (the sandbox); without one they are only recorded.
    public func setProxyEndpointRunner(_ runner: DBProxyEndpointRunner?) {
        self.proxyEndpointRunner.withLockedValue { $0 = runner }
    }

    /// Creates an endpoint of `proxy` as CreateDBProxyEndpoint validates it: a well-formed name no other endpoint has,
    /// subnets, and for READ_ONLY a proxy tracking a cluster with a reader. With a runner it is `creating` until the
    /// runner reports it available, else `available` at once.
    @discardableResult
    public func createDBProxyEndpoint(
        proxy proxyName: String,
        name: String,
        targetRole: DBProxyEndpointTargetRole,
        subnets: [String],
        securityGroups: [String],
        now: Date = Date()
    ) throws(AWSError) -> DBProxyEndpointRecord {
        let name = try RDSProxyInput.proxyName(name, parameter: "DBProxyEndpointName")
        guard !subnets.isEmpty else { throw .missingParameter("VpcSubnetIds") }
        let runner = self.proxyEndpointRunner.withLockedValue { $0 }
        let created = try self.withState { (data: inout Data) throws(AWSError) -> DBProxyEndpointRecord in
            guard let proxy = data.proxies[proxyName] else {
                throw AWSError.dbProxyNotFound(proxyName)
            }
            guard data.proxyEndpoints[name] == nil, name != "default" else {
                throw AWSError.dbProxyEndpointAlreadyExists(name)
            }
            guard data.proxyEndpoints.values.filter({ $0.proxyName == proxyName }).count < 20 else {
                throw AWSError(
                    .dbProxyEndpointQuotaExceededFault,
                    "DBProxy \(proxyName) already has 20 endpoints; delete one first."
                )
            }
            if targetRole == .readOnly {
                let readers =
                    proxy.trackedCluster.flatMap { data.dbClusters[$0] }?.members.filter { !$0.isWriter } ?? []
                guard !readers.isEmpty else {
                    let what =
                        proxy.trackedCluster.map { "DB cluster \($0) has no reader instance" }
                        ?? "DBProxy \(proxyName) targets a DB instance, not an Aurora DB cluster"
                    throw AWSError(
                        .invalidParameterCombination,
                        "A READ_ONLY endpoint routes to a cluster's reader instances, and \(what). Add a reader, "
                            + "or create the endpoint with TargetRole READ_WRITE."
                    )
                }
            }
            let endpoint = DBProxyEndpointRecord(
                name: name,
                arn: "arn:aws:rds:\(self.region):\(self.accountID):db-proxy-endpoint:prx-endpoint-\(IDs.hex(17))",
                proxyName: proxyName,
                status: runner == nil ? .available : .creating,
                vpcID: proxy.vpcID,
                subnetIDs: subnets,
                securityGroupIDs: securityGroups.isEmpty ? proxy.securityGroupIDs : securityGroups,
                endpoint: "\(name).endpoint.proxy-\(self.rdsEndpointSuffix).\(self.region).rds.amazonaws.com",
                targetRole: targetRole,
                created: now
            )
            data.proxyEndpoints[name] = endpoint
            return endpoint
        }
        runner?(.created(created))
        return created
    }

    /// The endpoints of `proxy` (every proxy's when nil), oldest first.
    public func dbProxyEndpoints(proxy: String? = nil) -> [DBProxyEndpointRecord] {
        self.read { data in
            data.proxyEndpoints.values.filter { proxy == nil || $0.proxyName == proxy }.sorted {
                $0.created < $1.created
            }
        }
    }

    /// The endpoint named `name`.
    public func dbProxyEndpoint(_ name: String) -> DBProxyEndpointRecord? { self.read { $0.proxyEndpoints[name] } }

    /// The data plane reports an endpoint's listener up (`available`) or gone.
    public func setProxyEndpointStatus(_ name: String, _ status: DBProxyEndpointStatus) {
        try? self.withState { (data: inout Data) throws(AWSError) in data.proxyEndpoints[name]?.status = status }
    }

    /// Renames an endpoint or replaces its security groups (ModifyDBProxyEndpoint); a renamed endpoint answers on its
    /// new name once the data plane has moved it.
    func modifyDBProxyEndpoint(
        _ name: String,
        newName: String?,
        securityGroups: [String]
    ) throws(AWSError) -> DBProxyEndpointRecord {
        let newName = try newName.map { name throws(AWSError) in
            try RDSProxyInput.proxyName(name, parameter: "NewDBProxyEndpointName")
        }
        let runner = self.proxyEndpointRunner.withLockedValue { $0 }
        let (old, new) = try self.withState {
            (data: inout Data) throws(AWSError) -> (DBProxyEndpointRecord, DBProxyEndpointRecord) in
            guard let old = data.proxyEndpoints[name] else { throw .dbProxyEndpointNotFound(name) }
            var new = old
            if !securityGroups.isEmpty { new.securityGroupIDs = securityGroups }
            if let newName, newName != name {
                guard data.proxyEndpoints[newName] == nil, newName != "default" else {
                    throw AWSError.dbProxyEndpointAlreadyExists(newName)
                }
                new.name = newName
                new.endpoint = newName + old.endpoint.dropFirst(name.count)
                data.proxyEndpoints[name] = nil
            }
            if runner != nil, new != old { new.status = .modifying }
            data.proxyEndpoints[new.name] = new
            return (old, new)
        }
        if let runner, new != old {
            runner(.deleted(old))
            runner(.created(new))
        }
        return new
    }

    /// Deletes an endpoint (DeleteDBProxyEndpoint), or every endpoint of `proxy` (DeleteDBProxy); returns what was
    /// removed.
    func deleteDBProxyEndpoints(
        named name: String? = nil,
        proxy: String? = nil
    ) throws(AWSError) -> [DBProxyEndpointRecord] {
        let removed = try self.withState { (data: inout Data) throws(AWSError) -> [DBProxyEndpointRecord] in
            if let name {
                guard let endpoint = data.proxyEndpoints.removeValue(forKey: name) else {
                    guard name != "default" else {
                        throw AWSError(
                            .invalidDBProxyEndpointStateFault,
                            "The default endpoint of a DBProxy cannot be deleted; delete the DBProxy instead."
                        )
                    }
                    throw .dbProxyEndpointNotFound(name)
                }
                return [endpoint]
            }
            let doomed = data.proxyEndpoints.values.filter { $0.proxyName == proxy }
            for endpoint in doomed { data.proxyEndpoints[endpoint.name] = nil }
            return doomed
        }
        let runner = self.proxyEndpointRunner.withLockedValue { $0 }
        for endpoint in removed { runner?(.deleted(endpoint)) }
        return removed.map {
            var deleting = $0
            deleting.status = .deleting
            return deleting
        }
    }
}
