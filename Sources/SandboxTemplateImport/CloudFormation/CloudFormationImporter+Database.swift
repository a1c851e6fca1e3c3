import SandboxAWSCore
import SandboxTopology

/// RDS: subnet groups, clusters and their instances, standalone instances, proxies and their target groups.
extension CloudFormationImporter {
    mutating func mapDatabase(_ item: Item) throws {
        let properties = try item.properties()
        let name = try item.name()
        let path = "Resources.\(item.id).Properties"
        switch item.type {
        case "AWS::RDS::DBSubnetGroup":
            self.builder.addSubnetGroup(name, subnets: properties["SubnetIds"]?.strings ?? [])
            self.unread(item, properties, read: ["SubnetIds", "DBSubnetGroupName", "DBSubnetGroupDescription"])
        case "AWS::RDS::DBCluster":
            guard let engine = RDSEngine.cluster(properties["Engine"]?.string) else {
                return self.session.warn(
                    item.label,
                    item.type,
                    "Engine \(properties["Engine"]?.string ?? "") \(RDSEngine.notModelled); it is left out"
                )
            }
            self.builder.addCluster(
                Topology.Cluster(
                    id: name,
                    engine: engine,
                    engineVersion: properties["EngineVersion"]?.string,
                    users: try self.masterUser(item, properties),
                    databases: properties["DatabaseName"]?.string.map { [$0] },
                    instances: []
                ),
                subnetGroup: properties["DBSubnetGroupName"]?.string,
                securityGroups: properties["VpcSecurityGroupIds"]?.strings
            )
            self.unread(
                item,
                properties,
                read: [
                    "Engine", "EngineVersion", "MasterUsername", "MasterUserPassword", "DatabaseName",
                    "DBSubnetGroupName",
                    "VpcSecurityGroupIds", "EnableIAMDatabaseAuthentication", "DBClusterIdentifier", "Port",
                    "ManageMasterUserPassword", "StorageEncrypted", "KmsKeyId", "BackupRetentionPeriod",
                ]
            )
        case "AWS::RDS::DBInstance":
            if let cluster = properties["DBClusterIdentifier"]?.string {
                guard self.builder.hasCluster(cluster) else {
                    throw item.stack.error(
                        "\(path).DBClusterIdentifier",
                        "names \(cluster), which is not a DBCluster of the loaded stacks"
                    )
                }
                self.builder.addMember(name, to: cluster)
                self.unread(
                    item,
                    properties,
                    read: [
                        "DBClusterIdentifier", "Engine", "DBInstanceClass", "DBInstanceIdentifier",
                        "PubliclyAccessible",
                    ]
                )
                return
            }
            guard let engine = RDSEngine.instance(properties["Engine"]?.string) else {
                return self.session.warn(
                    item.label,
                    item.type,
                    "Engine \(properties["Engine"]?.string ?? "") \(RDSEngine.notModelled); it is left out"
                )
            }
            self.builder.topology.databases.append(
                Topology.DatabaseInstance(
                    id: name,
                    engine: engine,
                    engineVersion: properties["EngineVersion"]?.string,
                    users: try self.masterUser(item, properties),
                    databases: properties["DBName"]?.string.map { [$0] },
                    subnet: self.builder.firstSubnet(ofGroup: properties["DBSubnetGroupName"]?.string),
                    securityGroups: properties["VPCSecurityGroups"]?.strings
                        ?? properties["VpcSecurityGroupIds"]?.strings,
                    iamDatabaseAuthentication: engine == .postgres
                        ? properties["EnableIAMDatabaseAuthentication"]?.bool : nil
                )
            )
            self.unread(
                item,
                properties,
                read: [
                    "Engine", "EngineVersion", "MasterUsername", "MasterUserPassword", "DBName", "DBSubnetGroupName",
                    "VPCSecurityGroups", "EnableIAMDatabaseAuthentication", "DBInstanceIdentifier", "DBInstanceClass",
                    "AllocatedStorage", "StorageType", "PubliclyAccessible", "MultiAZ", "Port",
                    "ManageMasterUserPassword",
                    "StorageEncrypted", "KmsKeyId", "BackupRetentionPeriod",
                ]
            )
        case "AWS::RDS::DBProxy":
            guard let family = RDSEngine.proxyFamily(properties["EngineFamily"]?.string) else {
                self.session.warn(
                    item.label,
                    item.type,
                    "EngineFamily \(properties["EngineFamily"]?.string ?? "") is not modelled (MYSQL and "
                        + "POSTGRESQL are); the proxy is left out"
                )
                return
            }
            var auth: [Topology.Proxy.Auth] = []
            for (index, entry) in (properties["Auth"]?.items ?? []).enumerated() {
                guard let secret = entry["SecretArn"]?.string else {
                    throw item.stack.error(
                        "\(path).Auth[\(index)]",
                        "AuthScheme SECRETS needs SecretArn (the sandbox models secrets-based auth)"
                    )
                }
                auth.append(
                    Topology.Proxy.Auth(
                        secret: self.builder.secretNames[secret] ?? secret,
                        iamAuth: try Self.enumValue(
                            entry["IAMAuth"]?.string,
                            at: "\(path).Auth[\(index)].IAMAuth",
                            in: item.stack
                        ),
                        clientPasswordAuthType: try Self.enumValue(
                            entry["ClientPasswordAuthType"]?.string,
                            at: "\(path).Auth[\(index)].ClientPasswordAuthType",
                            in: item.stack
                        )
                    )
                )
            }
            guard let role = properties["RoleArn"]?.string else {
                throw item.stack.error(path, "a proxy needs RoleArn")
            }
            self.builder.addProxy(
                Topology.Proxy(
                    name: name,
                    role: Self.roleName(role),
                    auth: auth,
                    target: "",
                    requireTLS: properties["RequireTLS"]?.bool,
                    idleClientTimeout: properties["IdleClientTimeout"]?.int,
                    subnets: properties["VpcSubnetIds"]?.strings,
                    securityGroups: properties["VpcSecurityGroupIds"]?.strings,
                    resourceId: item.stack.proxyResourceID(item.id),
                    engineFamily: family
                ),
                untargeted: ImportWarning(
                    resource: item.label,
                    type: item.type,
                    "has no DBProxyTargetGroup naming an instance or cluster, so it is left out"
                )
            )
            self.unread(
                item,
                properties,
                read: [
                    "EngineFamily", "Auth", "RoleArn", "RequireTLS", "IdleClientTimeout", "VpcSubnetIds",
                    "VpcSecurityGroupIds", "DBProxyName", "DebugLogging",
                ]
            )
        case "AWS::RDS::DBProxyTargetGroup":
            guard let proxy = properties["DBProxyName"]?.string, self.builder.hasProxy(proxy) else {
                throw item.stack.error("\(path).DBProxyName", "names no DBProxy of the loaded stacks")
            }
            guard
                let target = properties["DBClusterIdentifiers"]?.strings.first
                    ?? properties["DBInstanceIdentifiers"]?.strings.first
            else { return }
            let pool = properties["ConnectionPoolConfigurationInfo"]
            self.builder.changeProxy(proxy) { proxy in
                proxy.target = target
                proxy.targetGroup = pool.map {
                    .init(
                        maxConnectionsPercent: $0["MaxConnectionsPercent"]?.int,
                        maxIdleConnectionsPercent: $0["MaxIdleConnectionsPercent"]?.int,
                        connectionBorrowTimeout: $0["ConnectionBorrowTimeout"]?.int,
                        initQuery: $0["InitQuery"]?.string,
                        sessionPinningFilters: $0["SessionPinningFilters"]?.strings
                    )
                }
            }
            self.unread(
                item,
                properties,
                read: [
                    "DBProxyName", "DBClusterIdentifiers", "DBInstanceIdentifiers", "ConnectionPoolConfigurationInfo",
                    "TargetGroupName",
                ]
            )
        default:  // AWS::RDS::DBProxyEndpoint
            guard let proxy = properties["DBProxyName"]?.string, self.builder.hasProxy(proxy) else {
                throw item.stack.error("\(path).DBProxyName", "names no DBProxy of the loaded stacks")
            }
            let role =
                try Self.enumValue(properties["TargetRole"]?.string, at: "\(path).TargetRole", in: item.stack)
                as DBProxyEndpointTargetRole?
            self.builder.changeProxy(proxy) { proxy in
                proxy.endpoints =
                    (proxy.endpoints ?? []) + [
                        Topology.Proxy.Endpoint(
                            name: name,
                            targetRole: role,
                            subnets: properties["VpcSubnetIds"]?.strings,
                            securityGroups: properties["VpcSecurityGroupIds"]?.strings
                        )
                    ]
            }
            self.unread(
                item,
                properties,
                read: ["DBProxyName", "DBProxyEndpointName", "TargetRole", "VpcSubnetIds", "VpcSecurityGroupIds"]
            )
        }
    }

    /// The master user: MasterUsername and its password (as written, from a dynamic reference, or managed by RDS in a
    /// secret of its own).
    private mutating func masterUser(
        _ item: Item,
        _ properties: [String: TemplateValue]
    ) throws -> [Topology.DatabaseInstance.User] {
        guard let user = properties["MasterUsername"]?.string else {
            throw item.stack.error(
                "Resources.\(item.id).Properties.MasterUsername",
                "is missing; the sandbox creates the master user from it"
            )
        }
        if let password = properties["MasterUserPassword"]?.string { return [.init(name: user, password: password)] }
        guard properties["ManageMasterUserPassword"]?.bool == true else {
            throw item.stack.error(
                "Resources.\(item.id).Properties",
                "gives neither MasterUserPassword nor ManageMasterUserPassword: true"
            )
        }
        let name = try item.name()
        let secretName = ImportSession.managedSecretName(ofType: item.type, named: name)
        self.builder.addSecret(
            .init(
                name: secretName,
                description: "The master user's password, managed by RDS",
                database: .init(instance: name, user: user)
            ),
            arn: "arn:aws:secretsmanager:\(self.session.region):\(self.session.accountId):secret:\(secretName)"
        )
        return [
            .init(
                name: user,
                password: ImportSession.id(
                    "\(name)/master",
                    count: 28,
                    alphabet: "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
                )
            )
        ]
    }

    static func enumValue<T: RawRepresentable & CaseIterable>(
        _ text: String?,
        at path: String,
        in stack: CloudFormationStack
    ) throws -> T? where T.RawValue == String {
        guard let text else { return nil }
        guard let value = T(rawValue: text) else {
            throw stack.error(path, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
