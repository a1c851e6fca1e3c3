import Foundation

/// CreateDBProxyEndpoint, DescribeDBProxyEndpoints, ModifyDBProxyEndpoint and DeleteDBProxyEndpoint.
extension RDSService {
    func handleEndpoint(
        _ action: RDSOperation,
        _ form: QueryForm,
        caller: Caller,
        now: Date
    ) throws(AWSError) -> any Encodable {
        func input<Input: Decodable>(_ type: Input.Type) throws(AWSError) -> Input {
            try form.decode(type, style: .invalidParameterValue)
        }
        switch action {
        case .createDBProxyEndpoint:
            let request = try input(RDSInputs.CreateDBProxyEndpoint.self)
            let proxy = try self.proxy(request.dbProxyName)
            try self.authorize(caller, action, resource: proxy.arn)
            let role =
                try request.targetRole.map { text throws(AWSError) -> DBProxyEndpointTargetRole in
                    guard let role = DBProxyEndpointTargetRole(rawValue: text) else {
                        throw RDSProxyInput.invalid("TargetRole '\(text)' is not valid; use READ_WRITE or READ_ONLY.")
                    }
                    return role
                } ?? .readWrite
            let endpoint = try self.account.createDBProxyEndpoint(
                proxy: proxy.name,
                name: request.dbProxyEndpointName,
                targetRole: role,
                subnets: request.vpcSubnetIds,
                securityGroups: request.vpcSecurityGroupIds,
                now: now
            )
            return RDSResults.EndpointResult(dbProxyEndpoint: .init(endpoint))
        case .modifyDBProxyEndpoint:
            let request = try input(RDSInputs.ModifyDBProxyEndpoint.self)
            let name = request.dbProxyEndpointName
            guard let existing = self.account.dbProxyEndpoint(name) else { throw .dbProxyEndpointNotFound(name) }
            try self.authorize(caller, action, resource: existing.arn)
            let endpoint = try self.account.modifyDBProxyEndpoint(
                name,
                newName: request.newDBProxyEndpointName,
                securityGroups: request.vpcSecurityGroupIds
            )
            return RDSResults.EndpointResult(dbProxyEndpoint: .init(endpoint))
        case .deleteDBProxyEndpoint:
            let name = try input(RDSInputs.DBProxyEndpointName.self).dbProxyEndpointName
            try self.authorize(caller, action, resource: self.account.dbProxyEndpoint(name)?.arn ?? "*")
            let removed = try self.account.deleteDBProxyEndpoints(named: name)
            return RDSResults.EndpointResult(dbProxyEndpoint: .init(removed[0]))
        default:  // DescribeDBProxyEndpoints
            let request = try input(RDSInputs.DescribeDBProxyEndpoints.self)
            try self.authorize(caller, action, resource: "*")
            let proxies =
                try request.dbProxyName.map { name throws(AWSError) in [try self.proxy(name)] }
                ?? self.account.read { $0.proxies.values.sorted { $0.created < $1.created } }
            // Each proxy's own endpoint is listed first, as `default`; DBProxyEndpointName keeps only the one so named.
            let name = request.dbProxyEndpointName
            let rows = proxies.flatMap { proxy in
                ((name ?? "default") == "default" ? [RDSResults.DBProxyEndpoint(defaultOf: proxy)] : [])
                    + self.account.dbProxyEndpoints(proxy: proxy.name).filter { name == nil || $0.name == name }.map(
                        RDSResults.DBProxyEndpoint.init
                    )
            }
            if let name, rows.isEmpty { throw .dbProxyEndpointNotFound(name) }
            return RDSResults.EndpointsResult(dbProxyEndpoints: rows)
        }
    }
}
