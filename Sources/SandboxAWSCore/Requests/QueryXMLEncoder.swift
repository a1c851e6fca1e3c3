import Foundation

/// Encodes a query-protocol result (what `<ActionResult>` holds) from an `Encodable` value, as AWS writes it: a
/// member is `<Name>value</Name>` in declaration order, a nil one left out; a list is `<Name><member>…</member></Name>`
/// (`XMLList` names its members as the model does, `<DBInstance>`); dates in ISO 8601 (`AWSTimestamp`), booleans
/// `true`/`false`, text escaped.
enum QueryXMLEncoder {
    static func encode(_ value: some Encodable) throws(AWSError) -> String {
        let root = Node()
        do {
            try root.encode(value)
        } catch {
            throw AWSError(.internalFailure, "The response could not be written: \(error)")
        }
        var out = ""
        root.render(into: &out)
        return out
    }

    /// The element name of member `key` (`QueryName`).
    static func element(_ key: any CodingKey) -> String { QueryName.of(key.stringValue) }

    /// One element's content: text, named children, or list members.
    final class Node {
        var text: String?
        var children: [(name: String, node: Node)] = []
        var members: [Node]?
        var memberName = "member"

        func encode(_ value: some Encodable) throws {
            switch value {
            case let date as Date: self.text = AWSTimestamp.string(date)
            case let list as any XMLNamedList:
                self.memberName = list.memberName
                try value.encode(to: QueryXMLEncoding(node: self))
            default: try value.encode(to: QueryXMLEncoding(node: self))
            }
        }

        func child(_ name: String) -> Node {
            let node = Node()
            self.children.append((name, node))
            return node
        }

        func member() -> Node {
            let node = Node()
            self.members = (self.members ?? []) + [node]
            return node
        }

        func render(into out: inout String) {
            if let text { out += XML.escape(text) }
            for (name, node) in self.children {
                out += "<\(name)>"
                node.render(into: &out)
                out += "</\(name)>"
            }
            for node in self.members ?? [] {
                out += "<\(self.memberName)>"
                node.render(into: &out)
                out += "</\(self.memberName)>"
            }
        }
    }
}

/// A list whose members the model names (`<DBInstance>` inside `<DBInstances>`) rather than `<member>`.
struct XMLList<Element: Encodable>: Encodable, XMLNamedList {
    var memberName: String
    var elements: [Element]

    init(_ memberName: String, _ elements: [Element]) { (self.memberName, self.elements) = (memberName, elements) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for element in self.elements { try container.encode(element) }
    }
}

protocol XMLNamedList { var memberName: String { get } }

/// Timestamps as the query protocol writes them: ISO 8601 in UTC with milliseconds (`2026-12-07T04:18:21.123Z`).
private struct QueryXMLEncoding: Encoder {
    let node: QueryXMLEncoder.Node
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed(node: self.node))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if self.node.members == nil { self.node.members = [] }
        return Unkeyed(node: self.node)
    }
    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: self.node) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: QueryXMLEncoder.Node
        var codingPath: [any CodingKey] { [] }
        func set(_ text: String, _ key: Key) { self.node.child(QueryXMLEncoder.element(key)).text = text }
        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: Bool, forKey key: Key) { self.set(value ? "true" : "false", key) }
        mutating func encode(_ value: String, forKey key: Key) { self.set(value, key) }
        mutating func encode(_ value: Double, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: Int, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: Int8, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: Int16, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: Int32, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: Int64, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) { self.set(String(value), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) { self.set(String(value), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try self.node.child(QueryXMLEncoder.element(key)).encode(value)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(node: self.node.child(QueryXMLEncoder.element(key))))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            QueryXMLEncoding(node: self.node.child(QueryXMLEncoder.element(key))).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { QueryXMLEncoding(node: self.node) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            QueryXMLEncoding(node: self.node.child(QueryXMLEncoder.element(key)))
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: QueryXMLEncoder.Node
        var codingPath: [any CodingKey] { [] }
        var count: Int { self.node.members?.count ?? 0 }
        mutating func encodeNil() {}
        mutating func encode<T: Encodable>(_ value: T) throws { try self.node.member().encode(value) }
        mutating func encode(_ value: String) { self.node.member().text = value }
        mutating func encode(_ value: Bool) { self.node.member().text = value ? "true" : "false" }
        mutating func encode(_ value: Int) { self.node.member().text = String(value) }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(node: self.node.member()))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            QueryXMLEncoding(node: self.node.member()).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { QueryXMLEncoding(node: self.node.member()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: QueryXMLEncoder.Node
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() {}
        mutating func encode(_ value: Bool) { self.node.text = value ? "true" : "false" }
        mutating func encode(_ value: String) { self.node.text = value }
        mutating func encode(_ value: Double) { self.node.text = String(value) }
        mutating func encode(_ value: Float) { self.node.text = String(value) }
        mutating func encode(_ value: Int) { self.node.text = String(value) }
        mutating func encode(_ value: Int8) { self.node.text = String(value) }
        mutating func encode(_ value: Int16) { self.node.text = String(value) }
        mutating func encode(_ value: Int32) { self.node.text = String(value) }
        mutating func encode(_ value: Int64) { self.node.text = String(value) }
        mutating func encode(_ value: UInt) { self.node.text = String(value) }
        mutating func encode(_ value: UInt8) { self.node.text = String(value) }
        mutating func encode(_ value: UInt16) { self.node.text = String(value) }
        mutating func encode(_ value: UInt32) { self.node.text = String(value) }
        mutating func encode(_ value: UInt64) { self.node.text = String(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try self.node.encode(value) }
    }
}
