import Foundation
import Logging
import SandboxIAMPolicy
import SandboxSigV4

/// What the sandbox's data planes (the RDS Proxy) ask of the account, through the same policy evaluation as
/// the API: a service acting as a role, reading a secret as that role, IAM database authentication.
extension AccountState {
    /// Whether an access key exists, and whether its session has expired (for telling the two apart in logs).
    public enum KeyStatus: Sendable, Equatable { case valid, unknown, expired }

    public func keyStatus(_ accessKeyID: String, now: Date = Date()) -> KeyStatus {
        self.read { data in
            guard let key = data.accessKeys[accessKeyID] else { return .unknown }
            if case let .session(_, _, expires) = key.owner, expires < now { return .expired }
            return .valid
        }
    }

    /// The secret key of a valid access key, for SigV4 verification (nil for unknown keys and expired sessions).
    public func secretCredentials(for accessKeyID: String, now: Date = Date()) -> AWSCredentials? {
        self.credentials(for: accessKeyID, now: now)
    }

    /// `service` (e.g. rds.amazonaws.com) assumes `roleARN`: the role's trust policy must name the service.
    /// Returns the session's principal; AccessDenied names what refused it.
    public func serviceSession(role roleARN: String, service: String, session: String) throws(AWSError) -> Caller {
        let name = String(roleARN.split(separator: "/").last ?? "")
        guard let role = self.read({ $0.roles[name] }), role.arn == roleARN else {
            throw AWSError(.noSuchEntity, "The role \(roleARN) does not exist in account \(self.accountID).")
        }
        let context = RequestContext(servicePrincipal: service, action: "sts:AssumeRole", resource: role.arn)
        let trust = try IAMService.parse(role.trustPolicy, kind: .trust)
        guard
            PolicyEvaluator.evaluate(
                context,
                identityPolicies: [],
                resourcePolicy: NamedPolicy(name: "trust-policy", document: trust)
            ).isAllowed
        else {
            throw AWSError(
                .accessDenied,
                "\(service) is not authorized to perform: sts:AssumeRole on resource: \(role.arn): its trust "
                    + "policy does not name \(service)"
            )
        }
        return self.read { self.caller(role, session: session, accessKeyID: "", data: $0) }
    }

    /// `service` (e.g. lambda.amazonaws.com) assumes `roleARN` and gets session credentials for the code it runs,
    /// as Lambda hands AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN to a function.
    public func serviceCredentials(
        role roleARN: String,
        service: String,
        session: String,
        duration: TimeInterval = 3600,
        now: Date = Date()
    ) throws(AWSError) -> (credentials: AWSCredentials, expires: Date) {
        let caller = try self.serviceSession(role: roleARN, service: service, session: session)
        let roleName = String(caller.arn.split(separator: "/").dropFirst().first ?? "")
        return try self.issueSession(role: roleName, session: session, duration: duration, now: now)
    }

    /// The role ARN for a name or ARN.
    public func roleARN(_ nameOrARN: String) -> String {
        nameOrARN.hasPrefix("arn:") ? nameOrARN : "arn:aws:iam::\(self.accountID):role/\(nameOrARN)"
    }

    /// GetSecretValue (AWSCURRENT) as `caller`, with everything the API checks: identity and resource policies,
    /// deletion, and kms:Decrypt through Secrets Manager for a customer key.
    public func secretValue(
        _ secretID: String,
        as caller: Caller,
        logger: Logger,
        now: Date = Date()
    ) throws(AWSError) -> String {
        let service = SecretsManagerService(
            account: self,
            authorizer: Authorizer(logger: logger, requestKeys: ["aws:SecureTransport": ["true"]])
        )
        let output = try service.handle(
            .getSecretValue,
            SecretsManagerInput(secretID: secretID),
            caller: caller,
            now: now
        )
        guard let value = (output as? SecretValue)?.secretString else {
            throw AWSError(
                .invalidRequestException,
                "Secret \(secretID) holds binary data, not the JSON {\"username\", \"password\"} a proxy reads."
            )
        }
        return value
    }

    /// GetSecretValue as the principal of `accessKeyID` (a function reading a secret with its role's session).
    public func secretValue(
        _ secretID: String,
        accessKeyID: String,
        logger: Logger,
        now: Date = Date()
    ) throws(AWSError) -> String {
        try self.secretValue(secretID, as: try self.caller(accessKeyID: accessKeyID), logger: logger, now: now)
    }

    /// `rds-db:connect` for the principal of `accessKeyID` on `resource` (`arn:aws:rds-db:…:dbuser:<id>/<user>`):
    /// the caller's ARN and the evaluation with its deciding statements.
    public func evaluateDBConnect(
        accessKeyID: String,
        resource: String,
        sourceIP: String?,
        logger: Logger
    ) throws(AWSError) -> (principal: String, result: EvaluationResult) {
        let caller = try self.caller(accessKeyID: accessKeyID)
        var keys = ["aws:SecureTransport": ["true"]]
        if let sourceIP { keys["aws:SourceIp"] = [sourceIP] }
        let result = Authorizer(logger: logger).evaluate(
            caller,
            action: "rds-db:connect",
            resource: resource,
            keys: keys
        )
        return (caller.arn, result)
    }

    /// The ARN of the secret named `name`.
    public func secretARN(named name: String) -> String? { self.read { $0.secrets[name]?.arn } }

    /// The proxy's record, as DescribeDBProxies shows it.
    public func dbProxy(named name: String) -> DBProxyRecord? { self.read { $0.proxies[name] } }

    /// The registered DB instance `id`.
    public func dbInstance(_ id: String) -> DBInstanceRecord? { self.read { $0.dbInstances[id] } }

    /// Records a target's health as the proxy sees it (DescribeDBProxyTargets reports it).
    public func setTargetHealth(
        proxy: String,
        instance: String,
        state: TargetHealthState,
        reason: TargetHealthReason?,
        description: String?
    ) {
        try? self.withState { (data: inout Data) throws(AWSError) in
            guard let index = data.proxies[proxy]?.targets.firstIndex(where: { $0.instanceIdentifier == instance })
            else { return }
            data.proxies[proxy]?.targets[index].state = state
            data.proxies[proxy]?.targets[index].reason = reason
            data.proxies[proxy]?.targets[index].healthDescription = description
        }
    }

    /// Creates a proxy from the topology (validated as CreateDBProxy and ModifyDBProxyTargetGroup validate)
    /// and registers its targets: DB instances, or the cluster it tracks.
    public func createDBProxy(
        name: String,
        engineFamily: String = "MYSQL",
        roleARN: String,
        auth: [[String: String]],
        requireTLS: Bool,
        idleClientTimeout: Int?,
        subnets: [String],
        securityGroups: [String],
        pool: [String: String],
        targets: [String],
        trackedCluster: String? = nil,
        resourceID: String? = nil
    ) throws(AWSError) -> DBProxyRecord {
        var form = [
            "DBProxyName": name, "EngineFamily": engineFamily, "RoleArn": roleARN, "RequireTLS": String(requireTLS),
        ]
        if let idleClientTimeout { form["IdleClientTimeout"] = String(idleClientTimeout) }
        for (index, subnet) in subnets.enumerated() { form["VpcSubnetIds.member.\(index + 1)"] = subnet }
        for (index, group) in securityGroups.enumerated() { form["VpcSecurityGroupIds.member.\(index + 1)"] = group }
        for (index, entry) in auth.enumerated() {
            for (key, value) in entry { form["Auth.member.\(index + 1).\(key)"] = value }
        }
        let resourceID = resourceID ?? "prx-" + IDs.hex(17)
        let request = try QueryForm(values: form).decode(RDSInputs.CreateDBProxy.self, style: .invalidParameterValue)
        var proxy = try RDSProxyInput.create(
            request,
            resourceID: resourceID,
            arn: "arn:aws:rds:\(self.region):\(self.accountID):db-proxy:\(resourceID)",
            account: self,
            now: Date()
        )
        let poolConfig = try QueryForm(values: pool).decode(
            RDSInputs.ConnectionPoolConfig.self,
            style: .invalidParameterValue
        )
        try RDSProxyInput.modifyPool(&proxy.targetGroup, poolConfig, now: Date())
        let unregistered = proxy
        return try self.withState { (data: inout Data) throws(AWSError) -> DBProxyRecord in
            guard data.proxies[unregistered.name] == nil else {
                throw AWSError.dbProxyAlreadyExists(unregistered.name)
            }
            var created = unregistered
            _ = try RDSService.register(
                instances: targets,
                clusters: trackedCluster.map { [$0] } ?? [],
                to: &created,
                data: data
            )
            data.proxies[created.name] = created
            return created
        }
    }
}

extension AccountState {
    /// Every secret string the account holds (each version) and the `password` inside a JSON one: what a report
    /// meant for someone else must never show (`Redaction`).
    public var secretStrings: [String] {
        let strings = self.read { data in data.secrets.values.flatMap { $0.versions.compactMap(\.string) } }
        return strings + strings.compactMap { DatabaseSecretFields(json: $0)?.password }
    }
}
