import Foundation
import Hummingbird
import SandboxAWSCore
import SandboxFakeAWS

/// `GET /sandbox/clusters` on the AWS endpoint's port: each cluster's status, writer and members (what `sandbox
/// failover` prints); `POST /sandbox/clusters/{id}/failover[?target=INSTANCE]` begins a failover as
/// FailoverDBCluster does, answering AWS's error (code and message) when it cannot.
struct ClusterAPI: Sendable {
    let clusters: [String]
    let account: AccountState

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/clusters") { _, _ in
            Response.json(
                Dictionary(
                    uniqueKeysWithValues: self.clusters.compactMap { self.account.dbCluster($0) }.map {
                        ($0.identifier, ClusterSummary($0))
                    }
                )
            )
        }
        router.post("/sandbox/clusters/:cluster/failover") { request, context in
            let id = context.parameters.get("cluster") ?? ""
            do throws(AWSError) {
                let target: String? = request.uri.queryParameters.get("target").map { String($0) }
                let (cluster, promoting) = try self.account.beginClusterFailover(id, target: target)
                return Response.json(ClusterSummary(cluster, promoting: promoting))
            } catch {
                return Response.json(
                    ControlError(code: error.code.rawValue, message: error.message),
                    status: .init(code: error.status)
                )
            }
        }
    }
}
