import Foundation

/// CreateDBProxyEndpoint, DescribeDBProxyEndpoints, ModifyDBProxyEndpoint and DeleteDBProxyEndpoint.
extension RDSService {
    func handleEndpoint(_ action: RDSOperation, _ form: [String: String], caller: Caller, now: Date) throws(AWSError) -> String {
        switch action {
        case .createDBProxyEndpoint:
            let proxy = try self.proxy(try Self.need(form, "DBProxyName"))
            try self.authorize(caller, action, resource: proxy.arn)
            let role = try form["TargetRole"].map { text throws(AWSError) -> DBProxyEndpointTargetRole in
                guard let role = DBProxyEndpointTargetRole(rawValue: text) else {
                    throw RDSProxyInput.invalid("TargetRole '\(text)' is not valid; use READ_WRITE or READ_ONLY.")
                }
                return role
            } ?? .readWrite
            let endpoint = try self.account.createDBProxyEndpoint(
                proxy: proxy.name, name: try Self.need(form, "DBProxyEndpointName"), targetRole: role, subnets: form.members("VpcSubnetIds"),
                securityGroups: form.members("VpcSecurityGroupIds"), now: now)
            return "<DBProxyEndpoint>\(RDSXML.endpoint(endpoint))</DBProxyEndpoint>"
        case .modifyDBProxyEndpoint:
            let name = try Self.need(form, "DBProxyEndpointName")
            guard let existing = self.account.dbProxyEndpoint(name) else { throw .dbProxyEndpointNotFound(name) }
            try self.authorize(caller, action, resource: existing.arn)
            let endpoint = try self.account.modifyDBProxyEndpoint(name, newName: form["NewDBProxyEndpointName"], securityGroups: form.members("VpcSecurityGroupIds"))
            return "<DBProxyEndpoint>\(RDSXML.endpoint(endpoint))</DBProxyEndpoint>"
        case .deleteDBProxyEndpoint:
            let name = try Self.need(form, "DBProxyEndpointName")
            try self.authorize(caller, action, resource: self.account.dbProxyEndpoint(name)?.arn ?? "*")
            let removed = try self.account.deleteDBProxyEndpoints(named: name)
            return "<DBProxyEndpoint>\(RDSXML.endpoint(removed[0]))</DBProxyEndpoint>"
        default:  // DescribeDBProxyEndpoints
            try self.authorize(caller, action, resource: "*")
            let proxies = try form["DBProxyName"].map { name throws(AWSError) in [try self.proxy(name)] }
                ?? self.account.read { $0.proxies.values.sorted { $0.created < $1.created } }
            // Each proxy's own endpoint is listed first, as `default`; DBProxyEndpointName keeps only the one so named.
            let name = form["DBProxyEndpointName"]
            let rows = proxies.flatMap { proxy in
                ((name ?? "default") == "default" ? [RDSXML.defaultEndpoint(of: proxy)] : [])
                    + self.account.dbProxyEndpoints(proxy: proxy.name).filter { name == nil || $0.name == name }.map(RDSXML.endpoint)
            }
            if let name, rows.isEmpty { throw .dbProxyEndpointNotFound(name) }
            return "<DBProxyEndpoints>" + rows.map { "<member>\($0)</member>" }.joined() + "</DBProxyEndpoints>"
        }
    }
}
