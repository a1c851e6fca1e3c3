/// A human-readable list of where a sandbox's resources listen (never its passwords or keys).
public struct EndpointsReport: Sendable {
    public let text: String

    public init(_ endpoints: Endpoints) {
        var lines = ["CloudSandbox is up."]
        for (id, database) in endpoints.databases.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  database \(id): \(database.host):\(database.port)  (\(database.endpoint), TLS \(database.tls))"
            )
            lines.append(
                "    users: \(database.users.keys.sorted().joined(separator: ", "))"
                    + (database.caBundle.map { "; CA bundle \($0)" } ?? "")
            )
        }
        for (id, cluster) in (endpoints.clusters ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  cluster \(id): writer \(cluster.writer), readers "
                    + "\(cluster.members.filter { $0 != cluster.writer }.joined(separator: ", ")); "
                    + "\(cluster.endpoint), \(cluster.readerEndpoint); fail over with `sandbox failover \(id)`"
            )
        }
        for (name, proxy) in (endpoints.proxies ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  proxy \(name): \(proxy.host):\(proxy.port)  (\(proxy.endpoint), \(proxy.resourceId), TLS "
                    + "\(proxy.requireTLS ? "required" : "optional")"
                    + (proxy.iamAuth ? ", IAM auth" : "") + "; CA bundle \(proxy.caBundle))"
            )
        }
        for (name, function) in (endpoints.functions ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  function \(name): \(function.kind), role \(function.role)"
                    + (function.eni.map {
                        ", ENI \($0.privateIp) in \($0.subnet) (\($0.securityGroups.joined(separator: ", ")))"
                    } ?? ", outside the VPC")
            )
        }
        for (name, api) in (endpoints.apis ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append("  HTTP API \(name): \(api.url)  (\(api.endpoint))")
            for route in api.routes {
                let parts = route.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let path = parts[1].split(separator: "/").map { $0.hasPrefix("{") ? "anything" : String($0) }.joined(
                    separator: "/"
                )
                lines.append(
                    "    \(route):  curl -s "
                        + "\(parts[0] == "ANY" || parts[0] == "GET" ? "" : "-X \(parts[0]) ")\(api.url)/\(path)"
                )
            }
        }
        if let aws = endpoints.aws {
            lines.append("  AWS endpoint: \(aws.endpoint)  (region \(aws.region), account \(aws.accountId))")
            lines.append(
                "    credentials: \((endpoints.credentials ?? [:]).keys.sorted().joined(separator: ", ")) (keys in "
                    + "the endpoints file)"
            )
        }
        self.text = lines.joined(separator: "\n") + "\n"
    }
}
