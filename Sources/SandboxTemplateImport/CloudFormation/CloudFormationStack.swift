import Foundation

/// One loaded CloudFormation/SAM template: its parameters, mappings, conditions, resources and outputs, each
/// evaluated when first needed (so a nested stack's parameter can name a sibling's output) and remembered.
/// A reference that comes back to where it started is a cycle and refused.
final class CloudFormationStack {
    struct Resource {
        var type: String
        var properties: TemplateValue
        var condition: String?
    }

    let file: URL
    /// The stack's name (AWS::StackName): the root's from the option, a nested one `<parent>-<LogicalId>`.
    let name: String
    /// Where it sits: "" for the root, `DatabaseStack.` inside a nested application (prefixes warnings).
    let prefix: String
    let session: ImportSession
    let resources: [String: Resource]
    /// Resource ids in the order they are written in, for stable output.
    let order: [String]
    let transforms: [String]
    let template: TemplateValue
    private let lines: [String: Int]
    /// Parameter values the parent passes (evaluated in the parent), or `--param` for the root.
    private let given: [String: TemplateValue]
    private let parent: CloudFormationStack?

    private var parameterValues: [String: TemplateValue] = [:]
    private var conditionValues: [String: Bool] = [:]
    private var resolvedProperties: [String: [String: TemplateValue]] = [:]
    var names: [String: String] = [:]
    private var children: [String: CloudFormationStack] = [:]
    private var inProgress: [String] = []

    init(
        file: URL,
        name: String,
        prefix: String,
        given: [String: TemplateValue],
        parent: CloudFormationStack?,
        session: ImportSession
    ) throws {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw ImportError(
                file: file.path,
                path: "(file)",
                "cannot be read; check the path (nested stacks name local templates relative to the parent)"
            )
        }
        var reader = TemplateReader()
        let template = try reader.read(text, file: file.path)
        self.file = file
        self.name = name
        self.prefix = prefix
        self.given = given
        self.parent = parent
        self.session = session
        self.template = template
        self.lines = reader.lines
        self.transforms = template["Transform"]?.strings ?? []
        guard let resources = template["Resources"]?.map, !resources.isEmpty else {
            throw ImportError(
                file: file.path,
                path: "Resources",
                "is missing or empty; a template declares at least one resource"
            )
        }
        let globals = template["Globals"]?["Function"]?.map ?? [:]
        var parsed: [String: Resource] = [:]
        for (id, value) in resources {
            guard let type = value["Type"]?.string else {
                throw ImportError(
                    file: file.path,
                    path: "Resources.\(id).Type",
                    "is missing; give the resource type",
                    line: reader.lines["Resources.\(id)"]
                )
            }
            var properties = value["Properties"] ?? .map([:])
            if type == "AWS::Serverless::Function" { properties = Self.merge(globals: globals, into: properties) }
            parsed[id] = Resource(type: type, properties: properties, condition: value["Condition"]?.string)
        }
        self.resources = parsed
        self.order = parsed.keys.sorted {
            (reader.lines["Resources.\($0)"] ?? 0, $0) < (reader.lines["Resources.\($1)"] ?? 0, $1)
        }
        for key in given.keys where template["Parameters"]?[key] == nil {
            let known = (template["Parameters"]?.map ?? [:]).keys.sorted()
            throw ImportError(
                file: file.path,
                path: "Parameters",
                "the template has no parameter \(key)"
                    + (known.isEmpty ? "" : "; its parameters are \(known.joined(separator: ", "))")
            )
        }
        session.stacks.append(self)
    }

    /// SAM's Globals: maps merge at every depth (the function's keys win), anything else the function gives replaces.
    private static func merge(globals: [String: TemplateValue], into properties: TemplateValue) -> TemplateValue {
        var merged = globals
        for (key, value) in properties.map ?? [:] {
            if let global = merged[key]?.map, value.map != nil, value.intrinsic == nil {
                merged[key] = Self.merge(globals: global, into: value)
            } else {
                merged[key] = value
            }
        }
        return .map(merged)
    }

    // MARK: Errors

    func error(_ path: String, _ reason: String) -> ImportError {
        var lookup = path
        while !lookup.isEmpty, self.lines[lookup] == nil {
            lookup = String(lookup[..<(lookup.lastIndex { $0 == "." || $0 == "[" } ?? lookup.startIndex)])
        }
        return ImportError(file: self.file.path, path: path, reason, line: self.lines[lookup])
    }

    /// Runs `body` for `key`, refusing a key already being evaluated (a cycle).
    func guarding<T>(_ key: String, _ body: () throws -> T) throws -> T {
        if let start = self.inProgress.firstIndex(of: key) {
            throw self.error(key, "is part of a cycle: " + (self.inProgress[start...] + [key]).joined(separator: " → "))
        }
        self.inProgress.append(key)
        defer { self.inProgress.removeLast() }
        return try body()
    }

    // MARK: Parameters, conditions, mappings

    func parameter(_ name: String) throws -> TemplateValue? {
        if let value = self.parameterValues[name] { return value }
        guard let declaration = self.template["Parameters"]?[name] else { return nil }
        let path = "Parameters.\(name)"
        let value = try self.guarding(path) { () throws -> TemplateValue in
            let type = declaration["Type"]?.string ?? "String"
            var value: TemplateValue
            if let given = self.given[name], let parent = self.parent {
                // The parent's `Parameters` property of this stack's resource, evaluated there.
                value =
                    try parent.resolve(
                        given,
                        at: "Resources.\(self.prefix.split(separator: ".").last ?? "").Properties.Parameters.\(name)"
                    ) ?? .null
            } else if let text = self.parent == nil ? self.session.parameters[name] : nil {
                value = .string(text)
            } else if let fallback = declaration["Default"] {
                value = fallback
            } else {
                throw self.error(
                    path,
                    "has no Default and no value was given; pass --param \(name)=VALUE"
                        + (self.parent == nil ? "" : " (or set it in the parent's Parameters)")
                )
            }
            if type.hasPrefix("List<") || type == "CommaDelimitedList", let text = value.string {
                value = .list(text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
            }
            for item in value.items {
                guard let text = item.string else { continue }
                if type == "Number" || type == "List<Number>", Double(text) == nil {
                    throw self.error(path, "'\(text)' is not a number, and the parameter's Type is \(type)")
                }
                if let allowed = declaration["AllowedValues"]?.strings, !allowed.isEmpty, !allowed.contains(text) {
                    throw self.error(
                        path,
                        "'\(text)' is not one of its AllowedValues: \(allowed.joined(separator: ", "))"
                    )
                }
                if let pattern = declaration["AllowedPattern"]?.string,
                    text.range(of: "^(?:\(pattern))$", options: .regularExpression) == nil
                {
                    throw self.error(path, "'\(text)' does not match its AllowedPattern \(pattern)")
                }
            }
            return value
        }
        self.parameterValues[name] = value
        return value
    }

    func condition(_ name: String, at path: String) throws -> Bool {
        if let value = self.conditionValues[name] { return value }
        guard let expression = self.template["Conditions"]?[name] else {
            let known = (self.template["Conditions"]?.map ?? [:]).keys.sorted()
            throw self.error(
                path,
                "names condition \(name), which the template does not declare"
                    + (known.isEmpty ? "" : "; its conditions are \(known.joined(separator: ", "))")
            )
        }
        let key = "Conditions.\(name)"
        let value = try self.guarding(key) { try self.truth(of: expression, at: key) }
        self.conditionValues[name] = value
        return value
    }

    func mapping(_ name: String, _ top: String, _ second: String, at path: String) throws -> TemplateValue {
        guard let value = self.template["Mappings"]?[name]?[top]?[second] else {
            throw self.error(
                path,
                "Fn::FindInMap finds nothing at \(name).\(top).\(second); check the Mappings section"
            )
        }
        return value
    }

    // MARK: Resources

    func includes(_ id: String) throws -> Bool {
        guard let condition = self.resources[id]?.condition else { return self.resources[id] != nil }
        return try self.condition(condition, at: "Resources.\(id).Condition")
    }

    /// The resource's properties with every intrinsic function evaluated.
    func properties(_ id: String) throws -> [String: TemplateValue] {
        if let done = self.resolvedProperties[id] { return done }
        let path = "Resources.\(id).Properties"
        let value = try self.guarding("Resources.\(id)") {
            try self.resolve(self.resources[id]?.properties ?? .map([:]), at: path)
        }
        let properties = value?.map ?? [:]
        self.resolvedProperties[id] = properties
        return properties
    }

    /// The nested stack of an AWS::Serverless::Application or AWS::CloudFormation::Stack with a local template.
    func nested(_ id: String) throws -> CloudFormationStack? {
        if let child = self.children[id] { return child }
        guard let resource = self.resources[id],
            ["AWS::Serverless::Application", "AWS::CloudFormation::Stack"].contains(resource.type),
            try self.includes(id)
        else { return nil }
        let key = resource.type == "AWS::Serverless::Application" ? "Location" : "TemplateURL"
        let child = try self.guarding("Resources.\(id)") { () throws -> CloudFormationStack? in
            let location = try self.resolve(resource.properties[key] ?? .null, at: "Resources.\(id).Properties.\(key)")
            guard let path = location?.string, !path.hasPrefix("https://"), !path.hasPrefix("s3://") else {
                self.session.warn(
                    self.prefix + id,
                    resource.type,
                    "\(key) is not a local template file, so the nested stack is not loaded; "
                        + "give the path of its template (relative to this one)"
                )
                return nil
            }
            let parameters = resource.properties["Parameters"]?.map ?? [:]
            return try CloudFormationStack(
                file: URL(fileURLWithPath: path, relativeTo: self.file.deletingLastPathComponent()).standardizedFileURL,
                name: "\(self.name)-\(id)",
                prefix: "\(self.prefix)\(id).",
                given: parameters,
                parent: self,
                session: self.session
            )
        }
        self.children[id] = child
        return child
    }

    /// Output `name` of this stack (`GetAtt Stack.Outputs.Name`).
    func output(_ name: String, at path: String) throws -> TemplateValue {
        guard let output = self.template["Outputs"]?[name] else {
            let known = (self.template["Outputs"]?.map ?? [:]).keys.sorted()
            throw self.error(
                path,
                "the nested stack has no output \(name)"
                    + (known.isEmpty ? "" : "; its outputs are \(known.joined(separator: ", "))")
            )
        }
        let key = "Outputs.\(name)"
        return try self.guarding(key) { try self.resolve(output["Value"] ?? .null, at: "\(key).Value") ?? .null }
    }

    /// The value exported as `name` by an output of any loaded stack.
    func importValue(_ name: String, at path: String) throws -> TemplateValue {
        for stack in self.session.stacks {
            for (output, declaration) in stack.template["Outputs"]?.map ?? [:] {
                guard let export = declaration["Export"]?["Name"],
                    try stack.resolve(export, at: "Outputs.\(output).Export.Name")?.string == name
                else { continue }
                return try stack.output(output, at: path)
            }
        }
        throw self.error(
            path,
            "Fn::ImportValue names \(name), which no loaded stack exports; load the stack that exports it as a "
                + "nested stack"
        )
    }

    /// Every nested stack, loaded (so `Fn::ImportValue` sees their exports).
    func loadNestedStacks() throws -> [CloudFormationStack] {
        var all: [CloudFormationStack] = []
        for id in self.order {
            guard let child = try self.nested(id) else { continue }
            all.append(child)
            all += try child.loadNestedStacks()
        }
        return all
    }

    var hasParent: Bool { self.parent != nil }
}
