import Foundation
import SandboxJSON

/// A policy AWS would refuse, with AWS's wording (`MalformedPolicyDocument`).
public struct MalformedPolicyDocument: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "MalformedPolicyDocument: \(self.message)" }
}

extension PolicyDocument {
    public enum Kind: Sendable { case identity, resource, trust }

    /// Parses JSON as IAM does, refusing what IAM refuses for a policy of `kind`.
    public static func parse(_ json: String, kind: Kind = .identity) throws(MalformedPolicyDocument) -> PolicyDocument {
        guard let root = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue else {
            throw MalformedPolicyDocument("Syntax errors in policy.")
        }
        for key in root.keys where !["Version", "Id", "Statement"].contains(key) {
            throw MalformedPolicyDocument(
                "Policy document contains an unknown key '\(key)'; use Version, Id and Statement."
            )
        }
        let version = root["Version"]?.stringValue ?? "2008-10-17"
        guard ["2012-10-17", "2008-10-17"].contains(version) else {
            throw MalformedPolicyDocument("The policy failed legacy parsing: Version must be 2012-10-17 or 2008-10-17.")
        }
        let raw: [[String: JSONValue]]
        if let list = root["Statement"]?.arrayValue, case let objects = list.compactMap(\.objectValue),
            objects.count == list.count
        {
            raw = objects
        } else if let one = root["Statement"]?.objectValue {
            raw = [one]
        } else {
            throw MalformedPolicyDocument("Policy document must contain a Statement (an object or a list of objects).")
        }
        guard !raw.isEmpty else {
            throw MalformedPolicyDocument("Policy document must contain at least one Statement.")
        }
        return PolicyDocument(
            version: version,
            statements: try raw.enumerated().map { index, item throws(MalformedPolicyDocument) in
                try Self.statement(item, index: index, kind: kind)
            }
        )
    }

    private static func statement(
        _ item: [String: JSONValue],
        index: Int,
        kind: Kind
    ) throws(MalformedPolicyDocument) -> Statement {
        let known: Set = [
            "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
        ]
        for key in item.keys where !known.contains(key) {
            throw MalformedPolicyDocument("Statement \(index + 1) has an unknown key '\(key)'.")
        }
        guard let effectText = item["Effect"]?.stringValue, let effect = Statement.Effect(rawValue: effectText) else {
            throw MalformedPolicyDocument("Statement \(index + 1): Effect must be \"Allow\" or \"Deny\".")
        }
        let actions = try Self.patterns(item, "Action", "NotAction", index: index, required: true)!
        for action in actions.items where action != "*" && !action.contains(":") {
            throw MalformedPolicyDocument(
                "Statement \(index + 1): Action '\(action)' must be written service:action (e.g. "
                    + "secretsmanager:GetSecretValue)."
            )
        }
        let resources = try Self.patterns(item, "Resource", "NotResource", index: index, required: kind == .identity)
        var principals: Statement.Patterns<Principal>?
        if item["Principal"] != nil || item["NotPrincipal"] != nil {
            guard kind != .identity else {
                throw MalformedPolicyDocument("Policy document should not specify a principal.")
            }
            let negated = item["Principal"] == nil
            principals = .init(
                try Self.principals(item[negated ? "NotPrincipal" : "Principal"]!, index: index),
                negated: negated
            )
        } else if kind != .identity {
            throw MalformedPolicyDocument("Statement \(index + 1) of a resource or trust policy must name a Principal.")
        }
        return Statement(
            sid: item["Sid"]?.stringValue,
            effect: effect,
            actions: actions,
            resources: resources,
            principals: principals,
            conditions: try Self.conditions(item["Condition"], index: index)
        )
    }

    private static func strings(_ value: JSONValue) -> [String]? {
        if let one = value.stringValue { return [one] }
        guard let list = value.arrayValue, case let strings = list.compactMap(\.stringValue),
            strings.count == list.count
        else { return nil }
        return strings
    }

    private static func patterns(
        _ item: [String: JSONValue],
        _ key: String,
        _ notKey: String,
        index: Int,
        required: Bool
    ) throws(MalformedPolicyDocument) -> Statement.Patterns<String>? {
        switch (item[key], item[notKey]) {
        case (.some, .some):
            throw MalformedPolicyDocument("Statement \(index + 1) has both \(key) and \(notKey); use one.")
        case let (value?, nil), let (nil, value?):
            guard let list = Self.strings(value), !list.isEmpty else {
                throw MalformedPolicyDocument(
                    "Statement \(index + 1): \(item[key] != nil ? key : notKey) must be a string or a list of strings."
                )
            }
            return .init(list, negated: item[key] == nil)
        case (nil, nil):
            if required {
                throw MalformedPolicyDocument(
                    "Policy statement must contain \(key == "Action" ? "actions" : "resources")."
                )
            }
            return nil
        }
    }

    private static func principals(_ value: JSONValue, index: Int) throws(MalformedPolicyDocument) -> [Principal] {
        if value.stringValue == "*" { return [.everyone] }
        guard let map = value.objectValue else {
            throw MalformedPolicyDocument(
                "Statement \(index + 1): Principal must be \"*\" or an object like {\"Service\": "
                    + "\"rds.amazonaws.com\"}."
            )
        }
        var result: [Principal] = []
        for (type, raw) in map {
            guard let names = Self.strings(raw) else {
                throw MalformedPolicyDocument("Statement \(index + 1): Principal \(type) must be a string or a list.")
            }
            switch type {
            case "AWS": result += names.map { $0 == "*" ? .everyone : .aws($0) }
            case "Service": result += names.map { .service($0) }
            case "Federated": result += names.map { .federated($0) }
            default:
                throw MalformedPolicyDocument(
                    "Statement \(index + 1): Invalid principal type '\(type)'; use AWS, Service or Federated."
                )
            }
        }
        return result
    }

    private static func conditions(_ value: JSONValue?, index: Int) throws(MalformedPolicyDocument) -> [Condition] {
        guard let value else { return [] }
        guard let block = value.objectValue else {
            throw MalformedPolicyDocument("Statement \(index + 1): Condition must be an object.")
        }
        var result: [Condition] = []
        for (name, raw) in block.sorted(by: { $0.key < $1.key }) {
            var text = name
            var qualifier: Condition.SetQualifier?
            for candidate in [Condition.SetQualifier.forAnyValue, .forAllValues]
            where text.hasPrefix(candidate.rawValue + ":") {
                qualifier = candidate
                text.removeFirst(candidate.rawValue.count + 1)
            }
            let ifExists = text.hasSuffix("IfExists") && text != "IfExists"
            if ifExists { text.removeLast("IfExists".count) }
            guard let op = ConditionOperator(rawValue: text) else {
                throw MalformedPolicyDocument("Statement \(index + 1): Invalid Condition type : \(name).")
            }
            guard let keys = raw.objectValue else {
                throw MalformedPolicyDocument("Statement \(index + 1): \(name) must map keys to values.")
            }
            for (key, values) in keys.sorted(by: { $0.key < $1.key }) {
                let list: [String]
                if let one = values.scalarText {
                    list = [one]
                } else if let many = values.arrayValue, case let texts = many.compactMap(\.scalarText),
                    texts.count == many.count
                {
                    list = texts
                } else {
                    throw MalformedPolicyDocument(
                        "Statement \(index + 1): values of \(name) \(key) must be strings, numbers or booleans."
                    )
                }
                result.append(Condition(qualifier: qualifier, op, ifExists: ifExists, key: key, values: list))
            }
        }
        return result
    }
}
