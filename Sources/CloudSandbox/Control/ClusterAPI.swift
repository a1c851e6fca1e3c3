import FakeAWS
import Foundation
import Hummingbird

/// `GET /sandbox/clusters` on the AWS endpoint's port: each cluster's status, writer and members (what `sandbox
/// failover` prints); `POST /sandbox/clusters/{id}/failover[?target=INSTANCE]` begins a failover as
/// FailoverDBCluster does, answering AWS's error (code and message) when it cannot.
struct ClusterAPI: Sendable {
    let clusters: [String]
    let account: AccountState

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/clusters") { _, _ in
            Response.json(Dictionary(uniqueKeysWithValues: self.clusters.compactMap { self.account.dbCluster($0) }.map { ($0.identifier, Self.summary($0)) }),
                          pretty: true)
        }
        router.post("/sandbox/clusters/:cluster/failover") { request, context in
            let id = context.parameters.get("cluster") ?? ""
            do throws(AWSError) {
                let target: String? = request.uri.queryParameters.get("target").map { String($0) }
                let (cluster, promoting) = try self.account.beginClusterFailover(id, target: target)
                var summary = Self.summary(cluster)
                summary["promoting"] = promoting
                return Response.json(summary, pretty: true)
            } catch {
                return Response.json(["code": error.code, "message": error.message], status: .init(code: error.status))
            }
        }
    }

    private static func summary(_ cluster: DBClusterRecord) -> [String: Any] {
        ["status": cluster.status, "writer": cluster.writer ?? "", "members": cluster.members.map(\.instanceIdentifier),
         "endpoint": cluster.endpoint, "readerEndpoint": cluster.readerEndpoint]
    }
}
