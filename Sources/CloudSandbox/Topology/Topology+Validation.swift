import Foundation

extension Topology {
    /// Checks what YAML decoding cannot: unique and well-formed ids, users, limits, references, policies.
    public func validate() throws(TopologyError) {
        try self.validateDatabases()
        try self.validateAWS()
        try self.validateProxies()
        try self.validateFunctions()
        _ = try NetworkPlan.model(for: self, loopback: { _ in nil })
    }

    private func validateDatabases() throws(TopologyError) {
        var seen: Set<String> = []
        for (index, database) in self.databases.enumerated() {
            let path = "databases[\(index)]"
            guard database.id.range(of: #"^[a-z][a-z0-9-]{0,62}$"#, options: .regularExpression) != nil, !database.id.hasSuffix("-"),
                  !database.id.contains("--") else {
                throw TopologyError(path: "\(path).id", "'\(database.id)' is not a DB instance identifier: use 1-63 lower-case letters, digits and single hyphens, starting with a letter")
            }
            guard seen.insert(database.id).inserted else {
                throw TopologyError(path: "\(path).id", "'\(database.id)' is used twice; give each instance its own id")
            }
            guard !database.users.isEmpty else {
                throw TopologyError(path: "\(path).users", "an instance needs at least one user to log in with")
            }
            var names: Set<String> = []
            for (userIndex, user) in database.users.enumerated() where !names.insert(user.name).inserted || user.name.isEmpty {
                throw TopologyError(path: "\(path).users[\(userIndex)].name", "'\(user.name)' is empty or repeated; each user needs its own name")
            }
            if let limit = database.maxConnections, limit < 1 {
                throw TopologyError(path: "\(path).maxConnections", "\(limit) admits nobody; use 1 or more (MySQL's default is 151)")
            }
            if let external = database.external {
                guard external.host.hasPrefix("127.") || external.host == "localhost", (1...65_535).contains(external.port) else {
                    throw TopologyError(path: "\(path).external", "'\(external.host):\(external.port)' is not a loopback address and port; the sandbox only talks to 127.0.0.0/8")
                }
                let runOnly = [("schema", database.schema != nil), ("script", database.script != nil), ("subnet", database.subnet != nil),
                               ("securityGroups", database.securityGroups != nil), ("tls", database.tls != nil && database.tls != .disabled)]
                if let (field, _) = runOnly.first(where: { $0.1 }) {
                    throw TopologyError(path: "\(path).\(field)", "applies to instances the sandbox runs; an external server keeps its own (drop it)")
                }
            }
            if database.schema != nil, database.schemaDatabase == nil, database.databases?.count != 1 {
                throw TopologyError(path: "\(path).schemaDatabase", "name the schema the .sql file runs in")
            }
        }
    }
}
