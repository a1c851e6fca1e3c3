import Foundation
import SandboxJSON
import Yams

/// A CloudFormation value with the YAML short forms expanded (`!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is
/// `{"Fn::GetAtt": ["A", "B"]}`); every scalar is text, as CloudFormation passes it to resources.
indirect enum TemplateValue: Equatable, Sendable {
    case string(String)
    case list([TemplateValue])
    case map([String: TemplateValue])
    case null

    var string: String? { if case let .string(text) = self { text } else { nil } }
    var list: [TemplateValue]? { if case let .list(items) = self { items } else { nil } }
    var map: [String: TemplateValue]? { if case let .map(entries) = self { entries } else { nil } }
    subscript(key: String) -> TemplateValue? { self.map?[key] }

    /// A list, or one value standing for a list of one (CloudFormation accepts both in many places).
    var items: [TemplateValue] { self.list ?? (self == .null ? [] : [self]) }
    var strings: [String] { self.items.compactMap(\.string) }
    var int: Int? { self.string.flatMap { Int($0) ?? Double($0).map { Int($0) } } }
    var bool: Bool? { self.string.map { $0.lowercased() == "true" } }

    /// The intrinsic function this value calls (a map of one `Ref`, `Condition` or `Fn::` key), with its argument.
    var intrinsic: (name: String, argument: TemplateValue)? {
        guard let map = self.map, map.count == 1, let (key, value) = map.first,
            key == "Ref" || key == "Condition" || key.hasPrefix("Fn::")
        else { return nil }
        return (key, value)
    }

    /// JSON text, for policy documents and secret strings (numbers and booleans stay text, as IAM reads them).
    var json: String { self.jsonValue.text }

    private var jsonValue: JSONValue {
        switch self {
        case let .string(text): .string(text)
        case let .list(items): .array(items.map(\.jsonValue))
        case let .map(entries): .object(entries.mapValues(\.jsonValue))
        case .null: .null
        }
    }

    /// Parses JSON text (a secret string) into a value; nil when it is not JSON.
    init?(json text: String) {
        guard let value = try? JSONValue(parsing: Array(text.utf8)) else { return nil }
        self.init(json: value)
    }

    /// A JSON value with its numbers and booleans as text.
    init(json value: JSONValue) {
        switch value {
        case let .array(items): self = .list(items.map(TemplateValue.init(json:)))
        case let .object(entries): self = .map(entries.mapValues(TemplateValue.init(json:)))
        case .null: self = .null
        default: self = .string(value.scalarText ?? "")
        }
    }
}

/// Reads YAML or JSON into `TemplateValue`s, expanding the short forms, and keeps the line of each key.
struct TemplateReader {
    /// The line of each mapping key by its path (`Resources.Proxy.Properties`).
    private(set) var lines: [String: Int] = [:]

    static let shortForms: [String: String] = [
        "!Ref": "Ref", "!Condition": "Condition", "!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join",
        "!Select": "Fn::Select",
        "!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals", "!And": "Fn::And", "!Or": "Fn::Or",
        "!Not": "Fn::Not",
        "!FindInMap": "Fn::FindInMap", "!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64",
        "!GetAZs": "Fn::GetAZs",
        "!Cidr": "Fn::Cidr", "!Transform": "Fn::Transform", "!Length": "Fn::Length",
        "!ToJsonString": "Fn::ToJsonString",
    ]

    mutating func read(_ text: String, file: String) throws -> TemplateValue {
        guard let node = try Self.compose(text, file: file) else {
            throw ImportError(file: file, path: "(document)", "is empty")
        }
        return try self.read(node, file: file)
    }

    mutating func read(_ node: Node, file: String) throws -> TemplateValue {
        try self.convert(node, path: "", file: file)
    }

    /// The YAML (or JSON) document of `text`; nil when it is empty.
    static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch {
            throw ImportError(file: file, path: "(document)", "is not valid YAML or JSON: \(error)")
        }
    }

    private mutating func convert(_ node: Node, path: String, file: String) throws -> TemplateValue {
        let tag = node.tag.rawValue
        let value: TemplateValue
        switch node {
        case let .scalar(scalar):
            value =
                scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
                ? .null : .string(scalar.string)
        case let .sequence(sequence):
            value = .list(
                try sequence.enumerated().map {
                    try self.convert($0.element, path: "\(path)[\($0.offset)]", file: file)
                }
            )
        case let .mapping(mapping):
            var entries: [String: TemplateValue] = [:]
            for (key, child) in mapping {
                let name = key.string ?? ""
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                if let line = key.mark?.line { self.lines[childPath] = line }
                entries[name] = try self.convert(child, path: childPath, file: file)
            }
            value = .map(entries)
        case .alias:
            throw ImportError(file: file, path: path, "uses a YAML alias, which CloudFormation does not accept")
        }
        guard tag.hasPrefix("!") else { return value }
        guard let function = Self.shortForms[tag] else {
            throw ImportError(
                file: file,
                path: path,
                "\(tag) is not a CloudFormation intrinsic function",
                line: node.mark?.line
            )
        }
        // `!GetAtt Resource.Attribute` is the dotted short form of `[Resource, Attribute]`.
        if function == "Fn::GetAtt", let text = value.string, let dot = text.firstIndex(of: ".") {
            return .map([
                function: .list([.string(String(text[..<dot])), .string(String(text[text.index(after: dot)...]))])
            ])
        }
        return .map([function: value])
    }
}
