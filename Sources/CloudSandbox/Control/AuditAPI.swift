import Foundation
import Hummingbird
import SandboxAWSCore
import SandboxAudit
import SandboxFakeAWS

/// `GET /sandbox/audit?after=ID&kind=&component=&outcome=&contains=&limit=` on the AWS endpoint's port: the audit
/// log's events as `sandbox log` reads them (`after` the last id seen, for `--follow`).
struct AuditAPI: Sendable {
    let audit: AuditLog

    func install(on router: Router<AWSRequestContext>) {
        router.get("/sandbox/audit") { request, _ in
            let parameters = request.uri.queryParameters
            let text = { (key: String) in parameters[Substring(key)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            }
            if let kind = text("kind"), AuditEvent.Kind(rawValue: kind) == nil {
                return Response.json(
                    ControlMessage(
                        message:
                            "no kind '\(kind)'; use one of "
                            + "\(AuditEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
                    ),
                    status: .badRequest
                )
            }
            let query = AuditQuery(
                after: text("after").flatMap { Int64($0) } ?? 0,
                kind: text("kind").flatMap(AuditEvent.Kind.init(rawValue:)),
                component: text("component"),
                outcome: text("outcome"),
                containing: text("contains"),
                limit: text("limit").flatMap { Int($0) } ?? 1_000
            )
            return Response.json(["events": self.audit.events(query)], pretty: false)
        }
    }
}
