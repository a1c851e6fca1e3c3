import Foundation

/// RegisterDBProxyTargets / DeregisterDBProxyTargets: DB instances, or one Aurora cluster whose members the target
/// group then tracks (the writer READ_WRITE, the readers READ_ONLY, following failover).
extension RDSService {
    /// Registers `instances` or `clusters` with `proxy`; returns the instance ids of the rows added.
    static func register(
        instances: [String],
        clusters: [String],
        to proxy: inout DBProxyRecord,
        data: AccountState.Data
    ) throws(AWSError) -> [String] {
        guard !instances.isEmpty || !clusters.isEmpty else {
            throw RDSProxyInput.invalid(
                "Name at least one DB instance in DBInstanceIdentifiers or DB cluster in DBClusterIdentifiers."
            )
        }
        guard clusters.isEmpty || (instances.isEmpty && clusters.count == 1) else {
            throw AWSError(
                .invalidParameterCombination,
                "A target group holds one DB cluster or DB instances; register a single cluster on its own."
            )
        }
        if let cluster = clusters.first {
            guard proxy.targets.isEmpty else {
                throw AWSError.dbProxyTargetAlreadyRegistered(
                    "DBProxy \(proxy.name) already has targets; deregister them before registering DB cluster "
                        + "\(cluster)."
                )
            }
            let members = data.dbClusters[cluster]?.members.map(\.instanceIdentifier) ?? []
            proxy.trackedCluster = cluster
            proxy.targets = members.map { DBProxyRecord.Target(instanceIdentifier: $0) }
            return members
        }
        guard proxy.trackedCluster == nil else {
            throw AWSError.dbProxyTargetAlreadyRegistered(
                "DBProxy \(proxy.name) tracks DB cluster \(proxy.trackedCluster!); it cannot take DB instances besides."
            )
        }
        for id in instances {
            guard data.dbInstances[id] != nil else { throw AWSError.dbInstanceNotFound(id) }
            guard !proxy.targets.contains(where: { $0.instanceIdentifier == id }) else {
                throw AWSError.dbProxyTargetAlreadyRegistered(
                    "DB instance \(id) is already registered with proxy \(proxy.name)."
                )
            }
        }
        proxy.targets += instances.map { DBProxyRecord.Target(instanceIdentifier: $0) }
        return instances
    }

    static func deregister(instances: [String], clusters: [String], from proxy: inout DBProxyRecord) throws(AWSError) {
        for id in clusters where proxy.trackedCluster != id {
            throw AWSError.dbProxyTargetNotFound("DB cluster \(id)", proxy: proxy.name)
        }
        if !clusters.isEmpty {
            proxy.trackedCluster = nil
            proxy.targets = []
        }
        for id in instances
        where proxy.trackedCluster != nil || !proxy.targets.contains(where: { $0.instanceIdentifier == id }) {
            throw AWSError.dbProxyTargetNotFound("DB instance \(id)", proxy: proxy.name)
        }
        proxy.targets.removeAll { instances.contains($0.instanceIdentifier) }
    }
}
