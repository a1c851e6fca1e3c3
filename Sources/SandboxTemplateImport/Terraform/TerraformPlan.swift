import Crypto
import Foundation

/// A plan (`terraform show -json` of `terraform plan -out`) made into the state document the importer reads. What
/// Terraform learns only at apply (`after_unknown`) is found through the configuration's references — another
/// resource's attribute, a module's variable or output, a root variable — or, for a resource's own identity (its
/// id, ARN, endpoint, key id), given one of the sandbox's own, derived from the address so that it is the same on
/// every import. A document computed from unknown values (a policy naming a new proxy's `prx-` id) cannot be
/// rebuilt, since a plan records only what an expression refers to: its resource is left out with a warning.
struct TerraformPlan {
    /// One resource instance of the plan.
    struct Instance {
        var address: String
        /// `""` for the root module, else `module.a` or `module.a.module.b`.
        var module: String
        /// `TYPE.NAME` without the index.
        var resource: String
        var type: String
        var index: String?
        var values: TemplateValue
        var unknown: TemplateValue
    }

    private(set) var warnings: [ImportWarning] = []
    private let region: String
    private let accountId: String
    private var instances: [String: Instance] = [:]
    private var order: [String] = []
    /// Per module address: each resource's attribute expressions (`TYPE.NAME` → expressions).
    private var expressions: [String: [String: TemplateValue]] = [:]
    /// Per child module address: the call's input expressions and the module's outputs.
    private var calls: [String: (inputs: TemplateValue, outputs: TemplateValue)] = [:]
    private var variables: TemplateValue = .null
    private var resolved: [String: TemplateValue] = [:]
    private var resolving: Set<String> = []

    /// Attributes that hold a document (JSON text): when unknown they are computed, never one reference's value.
    static let documents: Set<String> = ["policy", "assume_role_policy", "secret_string"]

    static func isPlan(_ document: TemplateValue) -> Bool {
        document["values"] == nil && document["planned_values"] != nil
    }

    init(region: String, accountId: String) {
        self.region = region
        self.accountId = accountId
    }

    /// The plan's planned values with every unknown value resolved, as `values` of a state document.
    mutating func stateDocument(from plan: TemplateValue) -> TemplateValue {
        self.variables = plan["variables"] ?? .null
        self.readConfiguration(plan["configuration"]?["root_module"] ?? .null, module: "")
        let planned = plan["planned_values"]?["root_module"] ?? .null
        self.collect(planned)
        for change in plan["resource_changes"]?.items ?? [] {
            guard let address = change["address"]?.string, change["mode"]?.string != "data" else { continue }
            self.instances[address]?.unknown = change["change"]?["after_unknown"] ?? .null
        }
        var root = self.filled(planned).map ?? [:]
        // Data sources read while planning (archive_file's source_dir binds a function's code) are in the prior state.
        root["resources"] = .list(
            (root["resources"]?.items ?? []) + Self.dataSources(plan["prior_state"]?["values"]?["root_module"] ?? .null)
        )
        return .map([
            "format_version": plan["format_version"] ?? .string("1.0"), "values": .map(["root_module": .map(root)]),
        ])
    }

    // MARK: Reading the plan

    private mutating func collect(_ planned: TemplateValue) {
        for resource in planned["resources"]?.items ?? [] {
            guard let address = resource["address"]?.string, let type = resource["type"]?.string,
                let name = resource["name"]?.string
            else { continue }
            let module = Self.moduleAddress(of: address)
            self.instances[address] = Instance(
                address: address,
                module: module,
                resource: "\(type).\(name)",
                type: type,
                index: resource["index"].flatMap(Self.indexText),
                values: resource["values"] ?? .map([:]),
                unknown: .null
            )
            self.order.append(address)
        }
        for child in planned["child_modules"]?.items ?? [] { self.collect(child) }
    }

    private mutating func filled(_ planned: TemplateValue) -> TemplateValue {
        var resources: [TemplateValue] = []
        for resource in planned["resources"]?.items ?? [] {
            guard var entry = resource.map, let address = resource["address"]?.string,
                let instance = self.instances[address]
            else {
                resources.append(resource)
                continue
            }
            if instance.unknown == .null || resource["mode"]?.string == "data" {
                resources.append(resource)
                continue
            }
            let expressions = self.expressions[instance.module]?[instance.resource] ?? .null
            var (values, missing) = self.merge(
                instance,
                instance.values,
                unknown: instance.unknown,
                expressions: expressions,
                path: []
            )
            let documents = missing.filter { Self.documents.contains($0.attribute) }
            // A document computed from what apply learns cannot be rebuilt: an entry of a block (an inline policy) is
            // left out, or the whole resource when the document is its own.
            if let whole = documents.first(where: { !$0.path.contains(".") }) {
                self.warnings.append(
                    ImportWarning(
                        resource: address,
                        type: instance.type,
                        Self.leftOut(whole, "so the resource is left out")
                    )
                )
                continue
            }
            for document in documents.sorted(by: { $0.path > $1.path }) {
                let parts = document.path.split(separator: ".").map(String.init)
                guard parts.count > 1, let offset = Int(parts[1]), var entries = values[parts[0]]?.list,
                    offset < entries.count
                else { continue }
                entries.remove(at: offset)
                values = .map((values.map ?? [:]).merging([parts[0]: .list(entries)]) { $1 })
                self.warnings.append(
                    ImportWarning(
                        resource: address,
                        type: instance.type,
                        Self.leftOut(document, "so that \(parts[0]) entry is left out")
                    )
                )
            }
            // An attribute that names something the plan cannot resolve (a provider's own computed ones name nothing).
            for value in missing where !Self.documents.contains(value.attribute) && !value.references.isEmpty {
                self.warnings.append(
                    ImportWarning(
                        resource: address,
                        type: instance.type,
                        "its \(value.path) is known only after apply and refers to nothing the plan "
                            + "resolves\(Self.uses(value)); it stays empty"
                    )
                )
            }
            entry["values"] = values
            resources.append(.map(entry))
        }
        var module = planned.map ?? [:]
        module["resources"] = .list(resources)
        if let children = planned["child_modules"]?.items {
            module["child_modules"] = .list(children.map { self.filled($0) })
        }
        return .map(module)
    }

    private mutating func readConfiguration(_ module: TemplateValue, module address: String) {
        for resource in module["resources"]?.items ?? [] {
            guard let name = resource["address"]?.string else { continue }
            self.expressions[address, default: [:]][name] = resource["expressions"] ?? .null
        }
        for (name, call) in module["module_calls"]?.map ?? [:] {
            let child = address.isEmpty ? "module.\(name)" : "\(address).module.\(name)"
            self.calls[child] = (call["expressions"] ?? .null, call["module"]?["outputs"] ?? .null)
            self.readConfiguration(call["module"] ?? .null, module: child)
        }
    }

    // MARK: Resolving

    struct Missing {
        var attribute: String
        var path: String
        var references: [String]
    }

    /// `values` with each part `unknown` marks as unknown resolved; the parts that could not be.
    private mutating func merge(
        _ instance: Instance,
        _ values: TemplateValue,
        unknown: TemplateValue,
        expressions: TemplateValue,
        path: [String]
    ) -> (TemplateValue, [Missing]) {
        if unknown.bool == true {
            let attribute = path.last(where: { Int($0) == nil }) ?? ""
            let references = Self.references(expressions)
            // A resource's own attribute resolves as other resources' references to it do (once); a part of a block
            // (an environment variable, a list element) follows its expression's references.
            let value =
                path.count == 1
                ? self.attribute(attribute, of: instance)
                : Self.documents.contains(attribute)
                    ? nil : self.value(following: references, module: instance.module, key: path.last)
            if let value { return (value, []) }
            return (.null, [Missing(attribute: attribute, path: path.joined(separator: "."), references: references)])
        }
        var missing: [Missing] = []
        switch unknown {
        case let .map(parts):
            var result = values.map ?? [:]
            for (key, part) in parts where part.bool != false {
                let (value, lost) = self.merge(
                    instance,
                    result[key] ?? .null,
                    unknown: part,
                    expressions: Self.expression(expressions, key),
                    path: path + [key]
                )
                result[key] = value
                missing += lost
            }
            return (.map(result), missing)
        case let .list(parts):
            var result = values.list ?? []
            for (offset, part) in parts.enumerated() where part.bool != false {
                while result.count <= offset { result.append(.null) }
                let (value, lost) = self.merge(
                    instance,
                    result[offset],
                    unknown: part,
                    expressions: Self.expression(expressions, offset),
                    path: path + ["\(offset)"]
                )
                result[offset] = value
                missing += lost
            }
            return (.list(result), missing)
        default:
            return (values, [])
        }
    }

    /// The value of the first reference that resolves. Several references for one key of a map (an environment
    /// built of several resources' attributes) are narrowed by the key's name: `DB_HOST` takes an endpoint.
    private mutating func value(following references: [String], module: String, key: String?) -> TemplateValue? {
        var candidates = references.filter { !$0.hasPrefix("local.") && !$0.hasPrefix("data.") }
        if let key, Set(candidates.map(Self.resourcePart)).count > 1 {
            let wanted = Self.attributes(suitedTo: key)
            candidates = candidates.filter { wanted.contains(String($0.split(separator: ".").last ?? "")) }
        }
        for reference in candidates {
            if let value = self.resolve(reference, module: module) { return value }
        }
        return nil
    }

    /// What `reference` (as written in `module`) stands for.
    private mutating func resolve(_ reference: String, module: String) -> TemplateValue? {
        let parts = reference.split(separator: ".").map(String.init)
        switch parts.first {
        case "var":
            guard parts.count > 1 else { return nil }
            if module.isEmpty { return self.variables[parts[1]]?["value"] }
            guard let call = self.calls[module] else { return nil }
            return self.evaluate(call.inputs[parts[1]] ?? .null, module: Self.parent(of: module))
        case "module":
            guard parts.count > 2 else { return nil }
            let child = module.isEmpty ? "module.\(parts[1])" : "\(module).module.\(parts[1])"
            guard let call = self.calls[child] else { return nil }
            return self.evaluate(call.outputs[parts[2]]?["expression"] ?? .null, module: child)
        default:
            guard parts.count >= 2 else { return nil }
            let (name, index) = Self.splitIndex(parts[1])
            let resource = "\(parts[0]).\(name)"
            let members = self.order.compactMap { self.instances[$0] }.filter {
                $0.module == module && $0.resource == resource
            }
            guard !members.isEmpty else { return nil }
            // the whole resource or instance, as a splat (`[*].id`) refers: its id, or every instance's
            if parts.count == 2 {
                if let index { return members.first { $0.index == index }.flatMap { self.attribute("id", of: $0) } }
                let ids = members.compactMap { self.attribute("id", of: $0) }
                return members.first?.index != nil ? .list(ids) : ids.first
            }
            guard let instance = members.first(where: { $0.index == index }) ?? (index == nil ? members.first : nil)
            else { return nil }
            return self.attribute(parts[2], of: instance)
        }
    }

    private mutating func evaluate(_ expression: TemplateValue, module: String) -> TemplateValue? {
        if let constant = expression["constant_value"] { return constant }
        return self.value(following: Self.references(expression), module: module, key: nil)
    }

    /// An attribute of an instance: planned, else resolved (once), else the sandbox's own identity for it.
    private mutating func attribute(_ name: String, of instance: Instance) -> TemplateValue? {
        if let known = instance.values[name], known != .null { return known }
        let key = "\(instance.address)#\(name)"
        if let done = self.resolved[key] { return done }
        guard !self.resolving.contains(key) else { return nil }
        self.resolving.insert(key)
        defer { self.resolving.remove(key) }
        let expression = self.expressions[instance.module]?[instance.resource]?[name] ?? .null
        let value =
            Self.documents.contains(name)
            ? nil
            : (self.evaluate(expression, module: instance.module) ?? self.identity(instance, name))
        if let value { self.resolved[key] = value }
        return value
    }

    // MARK: The sandbox's own identities

    /// An id, ARN or endpoint of the sandbox's own for an attribute Terraform would learn at apply.
    private func identity(_ instance: Instance, _ attribute: String) -> TemplateValue? {
        let digest = SHA256.hash(data: Data(instance.address.utf8)).map { String(format: "%02x", $0) }.joined()
        let hex = { (count: Int) in String(digest.prefix(count)) }
        let name = { (key: String) in
            instance.values[key]?.string ?? instance.resource.split(separator: ".").last.map(String.init) ?? "resource"
        }
        let (region, account) = (self.region, self.accountId)
        let text: String? =
            switch (instance.type, attribute) {
            case ("aws_vpc", "id"): "vpc-\(hex(17))"
            case ("aws_subnet", "id"): "subnet-\(hex(17))"
            case ("aws_security_group", "id"): "sg-\(hex(17))"
            case ("aws_security_group_rule", "id"), ("aws_vpc_security_group_ingress_rule", "id"),
                ("aws_vpc_security_group_egress_rule", "id"):
                "sgr-\(hex(17))"
            case ("aws_kms_key", "id"), ("aws_kms_key", "key_id"): Self.uuid(digest)
            case ("aws_kms_key", "arn"): "arn:aws:kms:\(region):\(account):key/\(Self.uuid(digest))"
            case ("aws_iam_role", "arn"): "arn:aws:iam::\(account):role/\(name("name"))"
            case ("aws_iam_role", "id"): name("name")
            case ("aws_iam_policy", "arn"): "arn:aws:iam::\(account):policy/\(name("name"))"
            case ("aws_secretsmanager_secret", "arn"), ("aws_secretsmanager_secret", "id"):
                "arn:aws:secretsmanager:\(region):\(account):secret:\(name("name"))-\(Self.suffix(digest))"
            case ("aws_db_proxy", "arn"): "arn:aws:rds:\(region):\(account):db-proxy:prx-\(hex(17))"
            case ("aws_db_proxy", "endpoint"): "\(name("name")).proxy-\(hex(12)).\(region).rds.amazonaws.com"
            case ("aws_db_proxy", "id"): name("name")
            case ("aws_db_instance", "address"): "\(name("identifier")).\(hex(12)).\(region).rds.amazonaws.com"
            case ("aws_db_instance", "endpoint"): "\(name("identifier")).\(hex(12)).\(region).rds.amazonaws.com:3306"
            case ("aws_db_instance", "arn"): "arn:aws:rds:\(region):\(account):db:\(name("identifier"))"
            case ("aws_db_instance", "id"), ("aws_db_instance", "resource_id"): "db-\(hex(26).uppercased())"
            case ("aws_rds_cluster", "endpoint"):
                "\(name("cluster_identifier")).cluster-\(hex(12)).\(region).rds.amazonaws.com"
            case ("aws_rds_cluster", "reader_endpoint"):
                "\(name("cluster_identifier")).cluster-ro-\(hex(12)).\(region).rds.amazonaws.com"
            case ("aws_rds_cluster", "arn"): "arn:aws:rds:\(region):\(account):cluster:\(name("cluster_identifier"))"
            case ("aws_lambda_function", "arn"): "arn:aws:lambda:\(region):\(account):function:\(name("function_name"))"
            case ("aws_lambda_function", "invoke_arn"):
                "arn:aws:apigateway:\(region):lambda:path/2015-03-31/functions/arn:aws:lambda:\(region):\(account):"
                    + "function:\(name("function_name"))/invocations"
            case ("aws_apigatewayv2_api", "id"): Self.alphanumeric(digest, 10)
            case ("aws_apigatewayv2_api", "api_endpoint"):
                "https://\(Self.alphanumeric(digest, 10)).execute-api.\(region).amazonaws.com"
            case ("aws_apigatewayv2_integration", "id"): Self.alphanumeric(digest, 7)
            case ("aws_apigatewayv2_route", "id"), ("aws_apigatewayv2_stage", "id"): Self.alphanumeric(digest, 7)
            case (_, "id"): hex(17)
            default: nil
            }
        return text.map(TemplateValue.string)
    }

    // MARK: Helpers

    private static func uuid(_ hex: String) -> String {
        let characters = Array(hex.prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// Secrets Manager's six-character ARN suffix.
    private static func suffix(_ hex: String) -> String { self.alphanumeric(hex, 6, upper: true) }

    private static func alphanumeric(_ hex: String, _ count: Int, upper: Bool = false) -> String {
        let alphabet = Array(
            upper
                ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                : "abcdefghijklmnopqrstuvwxyz0123456789"
        )
        var bytes = stride(from: 0, to: hex.count - 1, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
        if bytes.isEmpty { bytes = [0] }
        return String((0..<count).map { alphabet[Int(bytes[$0 % bytes.count]) % alphabet.count] })
    }

    private static func leftOut(_ document: Missing, _ consequence: String) -> String {
        "its \(document.path) is computed from values known only after apply\(self.uses(document)), "
            + "\(consequence); import the state after "
            + "`terraform apply`, or write the document with values known when planning (names, wildcards)"
    }

    private static func uses(_ missing: Missing) -> String {
        missing.references.isEmpty ? "" : " (it uses \(missing.references.joined(separator: ", ")))"
    }

    private static func references(_ expression: TemplateValue) -> [String] { expression["references"]?.strings ?? [] }

    /// The expression for `key` below `expression`; a leaf expression (references or a constant) covers its subtree.
    private static func expression(_ expression: TemplateValue, _ key: String) -> TemplateValue {
        if expression["references"] != nil || expression["constant_value"] != nil { return expression }
        return expression[key] ?? .null
    }

    private static func expression(_ expression: TemplateValue, _ offset: Int) -> TemplateValue {
        if expression["references"] != nil || expression["constant_value"] != nil { return expression }
        if let items = expression.list { return offset < items.count ? items[offset] : .null }
        return expression
    }

    /// Which attributes an environment variable named `key` most likely holds.
    private static func attributes(suitedTo key: String) -> Set<String> {
        let key = key.uppercased()
        if key.contains("HOST") || key.contains("ENDPOINT") { return ["endpoint", "address", "reader_endpoint"] }
        if key.contains("ARN") { return ["arn"] }
        if key.contains("PORT") { return ["port"] }
        if key.contains("NAME") { return ["name", "db_name", "database_name", "function_name"] }
        return ["id", "arn", "name", "endpoint"]
    }

    /// `module.db.aws_db_proxy.items[0]` → `module.db`.
    private static func moduleAddress(of address: String) -> String {
        let plain = address.split(separator: "[").first.map(String.init) ?? address
        let parts = plain.split(separator: ".")
        return parts.count > 2 ? parts.dropLast(2).joined(separator: ".") : ""
    }

    private static func parent(of module: String) -> String {
        let parts = module.split(separator: ".")
        return parts.count > 2 ? parts.dropLast(2).joined(separator: ".") : ""
    }

    /// `aws_subnet.private[0].id` → `aws_subnet.private` (the part naming a resource).
    private static func resourcePart(_ reference: String) -> String {
        reference.split(separator: ".").prefix(2).joined(separator: ".").split(separator: "[").first.map(String.init)
            ?? reference
    }

    /// `private[0]` → (`private`, `0`); `private["a"]` → (`private`, `a`).
    private static func splitIndex(_ part: String) -> (String, String?) {
        guard let open = part.firstIndex(of: "["), part.hasSuffix("]") else { return (part, nil) }
        let inner = part[part.index(after: open)..<part.index(before: part.endIndex)].trimmingCharacters(
            in: CharacterSet(charactersIn: "\"")
        )
        return (String(part[..<open]), inner)
    }

    private static func indexText(_ value: TemplateValue) -> String? { value.string }

    private static func dataSources(_ module: TemplateValue) -> [TemplateValue] {
        (module["resources"]?.items ?? []).filter { $0["mode"]?.string == "data" }
            + (module["child_modules"]?.items ?? []).flatMap(self.dataSources)
    }

    /// The region the configuration gives the aws provider, when it is a constant.
    static func providerRegion(_ plan: TemplateValue) -> String? {
        plan["configuration"]?["provider_config"]?.map?.values.first { $0["name"]?.string == "aws" }?["expressions"]?[
            "region"
        ]?["constant_value"]?.string
    }
}
