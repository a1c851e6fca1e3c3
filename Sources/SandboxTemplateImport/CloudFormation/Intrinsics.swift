import Foundation

/// CloudFormation's intrinsic functions, pseudo parameters and dynamic references, evaluated in a stack.
extension CloudFormationStack {
    /// `value` with every intrinsic evaluated; nil for `Ref: AWS::NoValue` (the property is left out).
    func resolve(_ value: TemplateValue, at path: String) throws -> TemplateValue? {
        switch value {
        case let .string(text):
            return .string(try self.dynamicReferences(in: text, at: path))
        case let .list(items):
            return .list(
                try items.enumerated().compactMap { try self.resolve($0.element, at: "\(path)[\($0.offset)]") }
            )
        case .null:
            return .null
        case let .map(entries):
            if let (name, argument) = value.intrinsic { return try self.call(name, argument, at: "\(path).\(name)") }
            var resolved: [String: TemplateValue] = [:]
            for (key, child) in entries {
                if let value = try self.resolve(child, at: "\(path).\(key)") { resolved[key] = value }
            }
            return .map(resolved)
        }
    }

    /// A value that must be text (a name, an ARN).
    func text(_ value: TemplateValue, at path: String) throws -> String {
        guard let text = try self.resolve(value, at: path)?.string else { throw self.error(path, "must be text here") }
        return text
    }

    private func call(_ name: String, _ argument: TemplateValue, at path: String) throws -> TemplateValue? {
        let arguments = { (count: Int) throws -> [TemplateValue] in
            guard let list = argument.list, list.count >= count else {
                throw self.error(path, "\(name) takes a list of \(count) arguments")
            }
            return list
        }
        switch name {
        case "Ref":
            return try self.ref(try self.text(argument, at: path), at: path)
        case "Fn::GetAtt":
            let list = try arguments(2)
            let attribute = try list.dropFirst().map { try self.text($0, at: path) }.joined(separator: ".")
            return try self.getAtt(try self.text(list[0], at: path), attribute, at: path)
        case "Fn::Sub":
            if let template = argument.string {
                return .string(try self.substitute(template, variables: [:], at: path))
            }
            let list = try arguments(2)
            var variables: [String: TemplateValue] = [:]
            for (key, value) in list[1].map ?? [:] { variables[key] = try self.resolve(value, at: "\(path)[1].\(key)") }
            return .string(try self.substitute(try self.text(list[0], at: path), variables: variables, at: path))
        case "Fn::Join":
            let list = try arguments(2)
            let items = try self.resolve(list[1], at: path)?.items ?? []
            return .string(
                try items.map {
                    guard let text = $0.string else { throw self.error(path, "Fn::Join joins text values") }
                    return text
                }
                .joined(separator: try self.text(list[0], at: path))
            )
        case "Fn::Select":
            let list = try arguments(2)
            guard let index = try self.resolve(list[0], at: path)?.int else {
                throw self.error(path, "Fn::Select's index must be a number")
            }
            let items = try self.resolve(list[1], at: path)?.items ?? []
            guard items.indices.contains(index) else {
                throw self.error(path, "Fn::Select index \(index) is outside the list of \(items.count)")
            }
            return items[index]
        case "Fn::Split":
            let list = try arguments(2)
            let separator = try self.text(list[0], at: path)
            return .list(try self.text(list[1], at: path).components(separatedBy: separator).map(TemplateValue.string))
        case "Fn::If":
            let list = try arguments(3)
            return try self.resolve(
                list[try self.condition(try self.text(list[0], at: path), at: path) ? 1 : 2],
                at: path
            )
        case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
            return .string(try self.truth(of: .map([name: argument]), at: path) ? "true" : "false")
        case "Fn::FindInMap":
            let list = try arguments(3)
            return try self.mapping(
                try self.text(list[0], at: path),
                try self.text(list[1], at: path),
                try self.text(list[2], at: path),
                at: path
            )
        case "Fn::ImportValue":
            return try self.importValue(try self.text(argument, at: path), at: path)
        case "Fn::Base64":
            return .string(Data(try self.text(argument, at: path).utf8).base64EncodedString())
        case "Fn::GetAZs":
            return .list(["a", "b", "c"].map { .string(self.session.region + $0) })
        case "Fn::Cidr":
            let list = try arguments(3)
            guard let count = try self.resolve(list[1], at: path)?.int,
                let bits = try self.resolve(list[2], at: path)?.int
            else {
                throw self.error(path, "Fn::Cidr takes [ipBlock, count, cidrBits] with numbers for count and cidrBits")
            }
            let block = try self.text(list[0], at: path)
            guard let blocks = Self.cidrs(in: block, count: count, hostBits: bits) else {
                throw self.error(path, "Fn::Cidr cannot cut \(count) blocks of \(bits) host bits out of \(block)")
            }
            return .list(blocks.map(TemplateValue.string))
        case "Fn::Length":
            return .string(String(try self.resolve(argument, at: path)?.items.count ?? 0))
        case "Fn::ToJsonString":
            return .string(try self.resolve(argument, at: path)?.json ?? "null")
        default:
            throw self.error(path, "\(name) is not supported by the import; replace it with a value")
        }
    }

    /// A condition expression's truth: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `{Condition: Name}`.
    func truth(of expression: TemplateValue, at path: String) throws -> Bool {
        guard let (name, argument) = expression.intrinsic else {
            guard let text = try self.resolve(expression, at: path)?.string,
                ["true", "false"].contains(text.lowercased())
            else {
                throw self.error(path, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or a Condition")
            }
            return text.lowercased() == "true"
        }
        let operands = argument.items
        switch name {
        case "Condition": return try self.condition(try self.text(argument, at: path), at: path)
        case "Fn::Equals":
            guard operands.count == 2 else { throw self.error(path, "Fn::Equals compares two values") }
            return try self.resolve(operands[0], at: path) == self.resolve(operands[1], at: path)
        case "Fn::And": return try operands.allSatisfy { try self.truth(of: $0, at: path) }
        case "Fn::Or": return try operands.contains { try self.truth(of: $0, at: path) }
        case "Fn::Not":
            guard operands.count == 1 else { throw self.error(path, "Fn::Not takes a list of one condition") }
            return try !self.truth(of: operands[0], at: path)
        default:
            guard let text = try self.resolve(expression, at: path)?.string else {
                throw self.error(path, "\(name) is not a condition")
            }
            return text.lowercased() == "true"
        }
    }

    /// `Ref`: a parameter, a pseudo parameter or a resource.
    func ref(_ name: String, at path: String) throws -> TemplateValue? {
        switch name {
        case "AWS::Region": return .string(self.session.region)
        case "AWS::AccountId": return .string(self.session.accountId)
        case "AWS::StackName": return .string(self.name)
        case "AWS::StackId":
            return .string(
                "arn:aws:cloudformation:\(self.session.region):\(self.session.accountId):stack/\(self.name)/"
                    + "\(ImportSession.uuid(self.name))"
            )
        case "AWS::Partition": return .string("aws")
        case "AWS::URLSuffix": return .string("amazonaws.com")
        case "AWS::NotificationARNs": return .list([])
        case "AWS::NoValue": return nil
        default: break
        }
        if let value = try self.parameter(name) { return value }
        if self.resources[name] != nil || self.implicitResource(name) != nil {
            return try self.refValue(of: name, at: path)
        }
        throw self.error(
            path,
            "Ref names \(name), which is not a parameter, pseudo parameter or resource of "
                + "\(self.file.lastPathComponent)"
                + (Self.nearest(name, in: Array(self.resources.keys) + ((self.template["Parameters"]?.map ?? [:]).keys))
                    .map { "; did you mean \($0)?" } ?? "")
        )
    }

    /// `Fn::Sub`: `${Name}` (Ref), `${Resource.Attribute}` (GetAtt), `${!Literal}`.
    private func substitute(_ template: String, variables: [String: TemplateValue], at path: String) throws -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw self.error(path, "Fn::Sub has an unclosed ${")
            }
            let name = String(rest[open.upperBound..<close])
            rest = rest[rest.index(after: close)...]
            if name.hasPrefix("!") {
                result += "${\(name.dropFirst())}"
                continue
            }
            let value: TemplateValue?
            if let given = variables[name] {
                value = given
            } else if !name.hasPrefix("AWS::"), let dot = name.firstIndex(of: ".") {
                value = try self.getAtt(String(name[..<dot]), String(name[name.index(after: dot)...]), at: path)
            } else {
                value = try self.ref(name, at: path)
            }
            guard let text = value?.string else { throw self.error(path, "Fn::Sub's ${\(name)} is not text") }
            result += text
        }
        return try self.dynamicReferences(in: result + rest, at: path)
    }

    /// `{{resolve:secretsmanager:SECRET:SecretString:KEY}}`: the value the import generated or declared for a
    /// secret of a loaded stack. Other services' references are left as written, with a warning.
    private func dynamicReferences(in text: String, at path: String) throws -> String {
        guard text.contains("{{resolve:") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{resolve:") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw self.error(path, "a dynamic reference is not closed with }}")
            }
            let reference = String(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
            let parts = reference.components(separatedBy: ":")
            guard parts.first == "secretsmanager" else {
                self.session.warn(
                    self.prefix + path,
                    "dynamic reference",
                    "{{resolve:\(parts.first ?? "")…}} is not resolved; only Secrets Manager references are"
                )
                result += "{{resolve:\(reference)}}"
                continue
            }
            // secretsmanager:ID[:SecretString[:json-key[:version-stage[:version-id]]]]; an ARN ID has colons of its
            // own.
            let arnParts = parts.count > 7 && parts[1] == "arn" ? 7 : 1
            let id = parts[1..<(1 + arnParts)].joined(separator: ":")
            let key = parts.count > 2 + arnParts ? parts[2 + arnParts] : ""
            guard let secret = try self.session.secretValue(id) else {
                throw self.error(
                    path,
                    "{{resolve:secretsmanager:\(id)…}} names a secret no loaded stack declares; declare it "
                        + "(AWS::SecretsManager::Secret) in the template"
                )
            }
            if key.isEmpty {
                result += secret
                continue
            }
            guard let field = TemplateValue(json: secret)?[key]?.string else {
                throw self.error(path, "the secret \(id) has no JSON key \(key)")
            }
            result += field
        }
        return result + rest
    }

    /// `Fn::Cidr`: the first `count` blocks with `hostBits` host bits inside `block` (nil when they do not fit).
    static func cidrs(in block: String, count: Int, hostBits: Int) -> [String]? {
        let parts = block.split(separator: "/")
        let octets = parts.first?.split(separator: ".").compactMap { UInt32($0) } ?? []
        guard parts.count == 2, let prefix = Int(parts[1]), octets.count == 4, (1...32).contains(hostBits),
            32 - hostBits >= prefix, count > 0,
            count <= 1 << (32 - hostBits - prefix)
        else {
            return nil
        }
        let base = octets.reduce(0) { $0 << 8 | $1 } & (prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix))
        return (0..<count).map { index in
            let address = base + UInt32(index) << UInt32(hostBits)
            return "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)/\(32 - hostBits)"
        }
    }

    static func nearest(_ name: String, in candidates: [String]) -> String? {
        let lower = name.lowercased()
        return candidates.first { $0.lowercased() == lower }
            ?? candidates.first { $0.lowercased().hasPrefix(lower) || lower.hasPrefix($0.lowercased()) }
    }
}
