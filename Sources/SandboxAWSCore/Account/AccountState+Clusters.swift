import Foundation

/// DB clusters: registered by the sandbox, failed over by the API or by the data plane (a writer gone down).
extension AccountState {
    public func registerDBCluster(_ record: DBClusterRecord) {
        try? self.withState { (data: inout Data) throws(AWSError) in data.dbClusters[record.identifier] = record }
    }

    public func dbCluster(_ id: String) -> DBClusterRecord? { self.read { $0.dbClusters[id] } }

    /// Where failovers run (the sandbox's cluster runtime); without one FailoverDBCluster only changes records.
    public func setClusterFailoverRunner(_ runner: ClusterFailoverRunner?) {
        self.clusterFailoverRunner.withLockedValue { $0 = runner }
    }

    /// Starts a failover as FailoverDBCluster validates it: the cluster exists and is available, the target (or
    /// else the first reader) is a reader of it. The cluster is `failing-over` until `completeClusterFailover`.
    /// Returns the record and the instance to promote.
    @discardableResult
    public func beginClusterFailover(
        _ id: String,
        target: String?
    ) throws(AWSError) -> (cluster: DBClusterRecord, target: String) {
        let begun = try self.withState { (data: inout Data) throws(AWSError) -> (DBClusterRecord, String) in
            guard var cluster = data.dbClusters[id] else {
                throw AWSError.dbClusterNotFound(id)
            }
            guard cluster.status == .available else {
                throw AWSError(
                    .invalidDBClusterStateFault,
                    "DBCluster \(id) is \(cluster.status), not available; wait for the failover under way to finish."
                )
            }
            let readers = cluster.members.filter { !$0.isWriter }.map(\.instanceIdentifier)
            let chosen: String
            if let target {
                guard data.dbInstances[target] != nil else {
                    throw AWSError.dbInstanceNotFound(target)
                }
                guard readers.contains(target) else {
                    let why = cluster.writer == target ? "is already the writer" : "is not a member of the cluster"
                    throw AWSError(
                        .invalidDBInstanceState,
                        "DB instance \(target) \(why) of DBCluster \(id); name one of its readers: "
                            + "\(readers.joined(separator: ", "))."
                    )
                }
                chosen = target
            } else {
                guard let first = readers.first else {
                    throw AWSError(
                        .invalidDBClusterStateFault,
                        "DBCluster \(id) has no reader to fail over to; add a reader instance to the cluster first."
                    )
                }
                chosen = first
            }
            cluster.status = .failingOver
            data.dbClusters[id] = cluster
            return (cluster, chosen)
        }
        self.clusterFailoverRunner.withLockedValue { $0 }?(id, begun.1)
        return begun
    }

    /// The promoted instance is the writer now (the cluster is still failing over until the old writer is back).
    public func setClusterWriter(_ id: String, writer: String) {
        try? self.withState { (data: inout Data) throws(AWSError) in
            guard var cluster = data.dbClusters[id] else { return }
            for index in cluster.members.indices {
                cluster.members[index].isWriter = cluster.members[index].instanceIdentifier == writer
            }
            data.dbClusters[id] = cluster
        }
    }

    /// The failover is over: the cluster is available (and may fail over again).
    public func completeClusterFailover(_ id: String) {
        try? self.withState { (data: inout Data) throws(AWSError) in data.dbClusters[id]?.status = .available }
    }

    /// Points a proxy's registered target at `instance`. A proxy tracking a cluster keeps a row per member, whose
    /// roles follow the cluster's writer.
    public func setProxyTarget(proxy: String, instance: String) {
        try? self.withState { (data: inout Data) throws(AWSError) in
            guard data.proxies[proxy]?.trackedCluster == nil else { return }
            data.proxies[proxy]?.targets = [DBProxyRecord.Target(instanceIdentifier: instance)]
        }
    }
}
