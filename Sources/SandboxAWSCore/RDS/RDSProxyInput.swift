import Foundation

/// CreateDBProxy / ModifyDBProxy / ModifyDBProxyTargetGroup parameters, validated as RDS validates them.
enum RDSProxyInput {
    static func create(
        _ request: RDSInputs.CreateDBProxy,
        resourceID: String,
        arn: String,
        account: AccountState,
        now: Date
    ) throws(AWSError) -> DBProxyRecord {
        let name = try Self.proxyName(request.dbProxyName)
        let family = request.engineFamily
        guard ["MYSQL", "POSTGRESQL", "SQLSERVER"].contains(family) else {
            throw Self.invalid("EngineFamily '\(family)' is not valid; use MYSQL, POSTGRESQL or SQLSERVER.")
        }
        let subnets = request.vpcSubnetIds
        guard !subnets.isEmpty else { throw .missingParameter("VpcSubnetIds") }
        let defaultScheme = request.defaultAuthScheme
        if let defaultScheme, !["IAM_AUTH", "NONE"].contains(defaultScheme) {
            throw Self.invalid("DefaultAuthScheme '\(defaultScheme)' is not valid; use IAM_AUTH or NONE.")
        }
        let auth = try Self.auth(request.auth, family: family)
        guard !auth.isEmpty || defaultScheme == "IAM_AUTH" else {
            throw Self.invalid("Auth must name at least one secret unless DefaultAuthScheme is IAM_AUTH.")
        }
        let group = DBProxyRecord.TargetGroup(
            arn: "arn:aws:rds:\(account.region):\(account.accountID):target-group:prx-tg-\(IDs.hex(17))",
            created: now,
            updated: now
        )
        return DBProxyRecord(
            name: name,
            resourceID: resourceID,
            arn: arn,
            engineFamily: family,
            defaultAuthScheme: defaultScheme,
            auth: auth,
            roleARN: request.roleArn,
            vpcID: account.defaultVpcID,
            subnetIDs: subnets,
            securityGroupIDs: request.vpcSecurityGroupIds,
            requireTLS: request.requireTLS ?? false,
            idleClientTimeout: try Self.idleTimeout(request.idleClientTimeout) ?? 1800,
            debugLogging: request.debugLogging ?? false,
            endpoint: "\(name).proxy-\(account.rdsEndpointSuffix).\(account.region).rds.amazonaws.com",
            created: now,
            updated: now,
            targetGroup: group
        )
    }

    static func modify(_ proxy: inout DBProxyRecord, _ request: RDSInputs.ModifyDBProxy, now: Date) throws(AWSError) {
        if let newName = request.newDBProxyName {
            let oldName = proxy.name
            proxy.name = try Self.proxyName(newName)
            proxy.endpoint = proxy.endpoint.replacingOccurrences(
                of: oldName + ".",
                with: proxy.name + ".",
                options: .anchored
            )
        }
        if let auth = request.auth { proxy.auth = try Self.auth(auth, family: proxy.engineFamily) }
        if let scheme = request.defaultAuthScheme {
            guard ["IAM_AUTH", "NONE"].contains(scheme) else {
                throw Self.invalid("DefaultAuthScheme '\(scheme)' is not valid; use IAM_AUTH or NONE.")
            }
            proxy.defaultAuthScheme = scheme
        }
        if let value = request.requireTLS { proxy.requireTLS = value }
        if let value = request.debugLogging { proxy.debugLogging = value }
        if let value = try Self.idleTimeout(request.idleClientTimeout) { proxy.idleClientTimeout = value }
        if let role = request.roleArn { proxy.roleARN = role }
        if !request.securityGroups.isEmpty { proxy.securityGroupIDs = request.securityGroups }
        proxy.updated = now
    }

    static func modifyPool(
        _ group: inout DBProxyRecord.TargetGroup,
        _ config: RDSInputs.ConnectionPoolConfig,
        now: Date
    ) throws(AWSError) {
        func percent(_ value: Int?, _ key: String) throws(AWSError) -> Int? {
            guard let value else { return nil }
            guard (0...100).contains(value) else {
                throw Self.invalid("ConnectionPoolConfig.\(key) must be between 0 and 100.")
            }
            return value
        }
        let maxConnections =
            try percent(config.maxConnectionsPercent, "MaxConnectionsPercent") ?? group.maxConnectionsPercent
        let maxIdle =
            try percent(config.maxIdleConnectionsPercent, "MaxIdleConnectionsPercent")
            ?? group.maxIdleConnectionsPercent
        guard maxConnections >= 1 else {
            throw Self.invalid("ConnectionPoolConfig.MaxConnectionsPercent must be between 1 and 100.")
        }
        guard maxIdle <= maxConnections else {
            throw Self.invalid(
                "MaxIdleConnectionsPercent (\(maxIdle)) can't be greater than MaxConnectionsPercent "
                    + "(\(maxConnections))."
            )
        }
        if let value = config.connectionBorrowTimeout {
            guard (0...3600).contains(value) else {
                throw Self.invalid("ConnectionPoolConfig.ConnectionBorrowTimeout must be between 0 and 3600 seconds.")
            }
            group.connectionBorrowTimeout = value
        }
        if let filters = config.sessionPinningFilters {
            if let bad = filters.first(where: { $0 != "EXCLUDE_VARIABLE_SETS" }) {
                throw Self.invalid(
                    "SessionPinningFilters value '\(bad)' is not valid; the only filter is EXCLUDE_VARIABLE_SETS."
                )
            }
            group.sessionPinningFilters = filters
        }
        if let query = config.initQuery { group.initQuery = query.isEmpty ? nil : query }
        group.maxConnectionsPercent = maxConnections
        group.maxIdleConnectionsPercent = maxIdle
        group.updated = now
    }

    static func invalid(_ message: String) -> AWSError { AWSError(.invalidParameterValue, message) }

    /// 1 to 63 letters, digits and hyphens; a letter first; no trailing or double hyphen.
    static func proxyName(_ name: String, parameter: String = "DBProxyName") throws(AWSError) -> String {
        guard name.range(of: "^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$", options: .regularExpression) != nil,
            !name.hasSuffix("-")
        else {
            throw Self.invalid(
                "\(parameter) '\(name)' is not valid: use 1 to 63 letters, digits or hyphens, starting with a "
                    + "letter, with no two hyphens in a row and no trailing hyphen."
            )
        }
        return name.lowercased()
    }

    private static func auth(
        _ entries: [RDSInputs.UserAuthConfig],
        family: String
    ) throws(AWSError) -> [DBProxyRecord.UserAuth] {
        try entries.enumerated().map { index, fields throws(AWSError) in
            let at = "Auth[\(index)]"
            let scheme = fields.authScheme ?? "SECRETS"
            guard scheme == "SECRETS" else {
                throw Self.invalid("\(at).AuthScheme '\(scheme)' is not valid; the only scheme is SECRETS.")
            }
            guard let secret = fields.secretArn, secret.hasPrefix("arn:aws:secretsmanager:") else {
                throw Self.invalid(
                    "\(at).SecretArn must be the ARN of a Secrets Manager secret holding the database user's "
                        + "credentials."
                )
            }
            let iam = fields.iamAuth ?? "DISABLED"
            guard ["DISABLED", "REQUIRED", "ENABLED"].contains(iam) else {
                throw Self.invalid("\(at).IAMAuth '\(iam)' is not valid; use DISABLED, REQUIRED or ENABLED.")
            }
            let allowed =
                family == "MYSQL"
                ? ["MYSQL_NATIVE_PASSWORD", "MYSQL_CACHING_SHA2_PASSWORD"]
                : family == "POSTGRESQL" ? ["POSTGRES_SCRAM_SHA_256", "POSTGRES_MD5"] : ["SQL_SERVER_AUTHENTICATION"]
            let client = fields.clientPasswordAuthType ?? allowed[0]
            guard allowed.contains(client) else {
                throw Self.invalid(
                    "\(at).ClientPasswordAuthType \(client) doesn't match the proxy's engine family \(family); use "
                        + "one of \(allowed.joined(separator: ", "))."
                )
            }
            return .init(
                description: fields.description,
                userName: fields.userName,
                authScheme: scheme,
                secretARN: secret,
                iamAuth: iam,
                clientPasswordAuthType: client
            )
        }
    }

    private static func idleTimeout(_ value: Int?) throws(AWSError) -> Int? {
        guard let value else { return nil }
        guard (1...28_800).contains(value) else {
            throw Self.invalid("IdleClientTimeout must be between 1 and 28800 seconds.")
        }
        return value
    }
}
