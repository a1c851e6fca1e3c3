import Foundation
import SandboxAWSCore

/// What `Ref` and `Fn::GetAtt` return for each resource type: the physical ids the sandbox will use. Endpoints
/// are placeholders the sandbox replaces with its own DNS names (`${proxy:NAME}`, `${database:ID}`).
extension CloudFormationStack {
    /// Resources SAM adds: `<Function>Role` for a function without `Role`, `ServerlessHttpApi` for HttpApi events
    /// without `ApiId`.
    func implicitResource(_ id: String) -> String? {
        if id == "ServerlessHttpApi", self.resources.values.contains(where: { $0.type == "AWS::Serverless::Function" })
        {
            return "AWS::Serverless::HttpApi"
        }
        if id.hasSuffix("Role"), let function = self.resources[String(id.dropLast(4))],
            function.type == "AWS::Serverless::Function",
            function.properties["Role"] == nil
        {
            return "AWS::IAM::Role"
        }
        return nil
    }

    func type(of id: String) -> String? { self.resources[id]?.type ?? self.implicitResource(id) }

    /// The resource's name in the sandbox: its name property when the template gives one, else made up as
    /// CloudFormation does (`<stack>-<LogicalId>-<SUFFIX>`), the same on every import.
    func physicalName(_ id: String) throws -> String {
        if let name = self.names[id] { return name }
        let type = self.type(of: id) ?? ""
        let seed = "\(self.name)/\(id)"
        let upper = ImportSession.id(seed, count: 12, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let property = Self.nameProperties[type]
        let given = try property.flatMap { key in
            try self.resources[id]?.properties[key].map { value in
                let path = "Resources.\(id).Properties.\(key)"
                return try self.guarding(path) { try self.text(value, at: path) }
            }
        }
        let name: String
        switch type {
        case "AWS::EC2::VPC": name = "vpc-" + id.lowercased()
        case "AWS::EC2::Subnet": name = "subnet-" + id.lowercased()
        case "AWS::EC2::SecurityGroup": name = "sg-" + id.lowercased()
        case "AWS::EC2::RouteTable": name = "rtb-" + id.lowercased()
        case "AWS::EC2::InternetGateway": name = "igw-" + id.lowercased()
        case "AWS::EC2::NatGateway": name = "nat-" + id.lowercased()
        case "AWS::EC2::VPCEndpoint": name = "vpce-" + id.lowercased()
        case "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::DBSubnetGroup":
            name = (given ?? String("\(self.name)-\(id)".prefix(49)) + "-" + upper).lowercased()
        case "AWS::SecretsManager::Secret": name = given ?? "\(id)-\(upper)"
        case "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api":
            name = ImportSession.id(seed, count: 10, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
        case "AWS::KMS::Key": name = ImportSession.uuid(seed)
        default: name = given ?? String("\(self.name)-\(id)".prefix(51)) + "-" + upper
        }
        self.names[id] = name
        return name
    }

    static let nameProperties: [String: String] = [
        "AWS::SecretsManager::Secret": "Name", "AWS::IAM::Role": "RoleName",
        "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
        "AWS::IAM::Policy": "PolicyName", "AWS::RDS::DBInstance": "DBInstanceIdentifier",
        "AWS::RDS::DBCluster": "DBClusterIdentifier",
        "AWS::RDS::DBSubnetGroup": "DBSubnetGroupName", "AWS::RDS::DBProxy": "DBProxyName",
        "AWS::RDS::DBProxyEndpoint": "DBProxyEndpointName",
        "AWS::Lambda::Function": "FunctionName", "AWS::Serverless::Function": "FunctionName",
        "AWS::KMS::Alias": "AliasName",
    ]

    func refValue(of id: String, at path: String) throws -> TemplateValue {
        let name = try self.physicalName(id)
        let region = self.session.region
        let account = self.session.accountId
        switch self.type(of: id) ?? "" {
        case "AWS::SecretsManager::Secret": return .string(try self.secretARN(id))
        case "AWS::SecretsManager::SecretTargetAttachment":
            return try self.resolve(self.resources[id]?.properties["SecretId"] ?? .null, at: "\(path).SecretId")
                ?? .null
        case "AWS::IAM::ManagedPolicy": return .string("arn:aws:iam::\(account):policy/\(name)")
        case "AWS::Serverless::Application", "AWS::CloudFormation::Stack":
            return .string(
                "arn:aws:cloudformation:\(region):\(account):stack/\(self.name)-\(id)/"
                    + "\(ImportSession.uuid(self.name + id))"
            )
        case "AWS::RDS::DBProxyTargetGroup":
            return .string(
                "arn:aws:rds:\(region):\(account):target-group:prx-tg-\(ImportSession.id(self.name + id, count: 17))"
            )
        default: return .string(name)
        }
    }

    func secretARN(_ id: String) throws -> String {
        "arn:aws:secretsmanager:\(self.session.region):\(self.session.accountId):secret:"
            + "\(try self.physicalName(id))-\(self.secretSuffix(id))"
    }

    func secretSuffix(_ id: String) -> String {
        ImportSession.id(
            "\(self.name)/\(id)/arn",
            count: 6,
            alphabet: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        )
    }

    func proxyResourceID(_ id: String) -> String { "prx-" + ImportSession.id("\(self.name)/\(id)/prx", count: 17) }

    func getAtt(_ id: String, _ attribute: String, at path: String) throws -> TemplateValue {
        guard let type = self.type(of: id) else {
            throw self.error(
                path,
                "Fn::GetAtt names \(id), which is not a resource of \(self.file.lastPathComponent)"
                    + (Self.nearest(id, in: Array(self.resources.keys)).map { "; did you mean \($0)?" } ?? "")
            )
        }
        let region = self.session.region
        let account = self.session.accountId
        let name = try self.physicalName(id)
        if attribute.hasPrefix("Outputs."), let child = try self.nested(id) {
            return try child.output(String(attribute.dropFirst("Outputs.".count)), at: path)
        }
        let value: String? =
            switch (type, attribute) {
            case ("AWS::EC2::SecurityGroup", "GroupId"): name
            case ("AWS::EC2::SecurityGroup", "VpcId"), ("AWS::EC2::Subnet", "VpcId"):
                try self.properties(id)["VpcId"]?.string
            case ("AWS::EC2::Subnet", "SubnetId"), ("AWS::EC2::VPC", "VpcId"): name
            case ("AWS::EC2::VPC", "CidrBlock"), ("AWS::EC2::Subnet", "CidrBlock"):
                try self.properties(id)["CidrBlock"]?.string
            case ("AWS::EC2::Subnet", "AvailabilityZone"):
                try self.properties(id)["AvailabilityZone"]?.string ?? region + "a"
            case ("AWS::IAM::Role", "Arn"): "arn:aws:iam::\(account):role/\(name)"
            case ("AWS::IAM::Role", "RoleId"):
                "AROA" + ImportSession.id(name, count: 17, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            case ("AWS::IAM::ManagedPolicy", "PolicyArn"): "arn:aws:iam::\(account):policy/\(name)"
            case ("AWS::KMS::Key", "Arn"): "arn:aws:kms:\(region):\(account):key/\(name)"
            case ("AWS::KMS::Key", "KeyId"): name
            case ("AWS::SecretsManager::Secret", "Id"): try self.secretARN(id)
            case ("AWS::RDS::DBInstance", "Endpoint.Address"), ("AWS::RDS::DBCluster", "Endpoint.Address"):
                "${database:\(name)}"
            case ("AWS::RDS::DBInstance", "Endpoint.Port"), ("AWS::RDS::DBCluster", "Endpoint.Port"):
                (try self.properties(id)["Engine"]?.string).map { $0.contains("postgres") } == true ? "5432" : "3306"
            case ("AWS::RDS::DBInstance", "MasterUserSecret.SecretArn"),
                ("AWS::RDS::DBCluster", "MasterUserSecret.SecretArn"):
                // The secret RDS keeps the master password in (ManageMasterUserPassword), named as the import names it.
                try self.properties(id)["ManageMasterUserPassword"]?.bool == true
                    ? "arn:aws:secretsmanager:\(region):\(account):secret:"
                        + "\(ImportSession.managedSecretName(ofType: type, named: name))"
                    : nil
            case ("AWS::RDS::DBCluster", "ReadEndpoint.Address"): "${cluster-ro:\(name)}"
            case ("AWS::RDS::DBInstance", "DBInstanceArn"): "arn:aws:rds:\(region):\(account):db:\(name)"
            case ("AWS::RDS::DBCluster", "DBClusterArn"): "arn:aws:rds:\(region):\(account):cluster:\(name)"
            case ("AWS::RDS::DBInstance", "DbiResourceId"):
                "db-" + ImportSession.id(name, count: 26, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            case ("AWS::RDS::DBCluster", "DBClusterResourceId"):
                "cluster-" + ImportSession.id(name, count: 26, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            case ("AWS::RDS::DBProxy", "Endpoint"): "${proxy:\(name)}"
            case ("AWS::RDS::DBProxy", "DBProxyArn"):
                "arn:aws:rds:\(region):\(account):db-proxy:\(self.proxyResourceID(id))"
            case ("AWS::RDS::DBProxy", "VpcId"): nil
            case ("AWS::RDS::DBProxyEndpoint", "Endpoint"): "${proxy:\(name)}"
            case ("AWS::Lambda::Function", "Arn"), ("AWS::Serverless::Function", "Arn"):
                "arn:aws:lambda:\(region):\(account):function:\(name)"
            case ("AWS::Serverless::HttpApi", "ApiEndpoint"), ("AWS::ApiGatewayV2::Api", "ApiEndpoint"):
                "https://\(name).execute-api.\(region).amazonaws.com"
            case ("AWS::ApiGatewayV2::Api", "ApiId"): name
            default: nil
            }
        guard let value else {
            throw self.error(
                path,
                "Fn::GetAtt \(id).\(attribute): the import does not know attribute \(attribute) of \(type)"
            )
        }
        return .string(value)
    }

    /// The secret's string: `SecretString`, or a password generated once per import for `GenerateSecretString`.
    func secretString(_ id: String) throws -> String {
        let arn = try self.secretARN(id)
        if let known = self.session.generatedSecrets[arn] { return known }
        let properties = try self.properties(id)
        let path = "Resources.\(id).Properties"
        var value: String
        if let text = properties["SecretString"]?.string {
            value = text
        } else if let generate = properties["GenerateSecretString"] {
            var options = PasswordOptions()
            options.passwordLength = generate["PasswordLength"]?.int
            options.excludeCharacters = generate["ExcludeCharacters"]?.string
            options.excludeNumbers = generate["ExcludeNumbers"]?.bool
            options.excludePunctuation = generate["ExcludePunctuation"]?.bool
            options.excludeUppercase = generate["ExcludeUppercase"]?.bool
            options.excludeLowercase = generate["ExcludeLowercase"]?.bool
            options.includeSpace = generate["IncludeSpace"]?.bool
            options.requireEachIncludedType = generate["RequireEachIncludedType"]?.bool
            options.secretStringTemplate = generate["SecretStringTemplate"]?.string
            options.generateStringKey = generate["GenerateStringKey"]?.string
            do throws(AWSError) {
                value = try options.secretString()
            } catch {
                throw self.error("\(path).GenerateSecretString", error.message)
            }
        } else {
            value = try options(for: id)
        }
        self.session.generatedSecrets[arn] = value
        return value
    }

    private func options(for id: String) throws -> String {
        var options = PasswordOptions()
        options.passwordLength = 32
        do throws(AWSError) { return try options.password() } catch {
            throw self.error("Resources.\(id)", error.message)
        }
    }
}

extension ImportSession {
    /// The value of the secret a dynamic reference names (its name or ARN), among every loaded stack's secrets.
    func secretValue(_ reference: String) throws -> String? {
        for stack in self.stacks {
            for id in stack.order where stack.resources[id]?.type == "AWS::SecretsManager::Secret" {
                guard try stack.includes(id) else { continue }
                let arn = try stack.secretARN(id)
                let name = try stack.physicalName(id)
                if reference == arn || reference == name { return try stack.secretString(id) }
            }
        }
        return nil
    }
}
