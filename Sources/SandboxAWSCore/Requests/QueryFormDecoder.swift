import NIOConcurrencyHelpers

/// The parameters a decoding reads, and which of them it has read (what is left is unknown to the operation).
final class QueryFormReader: Sendable {
    let values: [String: String]
    private let readNames = NIOLockedValueBox<Set<String>>([])

    init(values: [String: String]) { self.values = values }

    var read: Set<String> { self.readNames.withLockedValue { $0 } }

    func value(_ name: String) -> String? {
        guard let value = self.values[name] else { return nil }
        self.readNames.withLockedValue { _ = $0.insert(name) }
        return value
    }

    /// Whether `name` or anything under `name.` is given.
    func contains(_ name: String) -> Bool {
        self.values[name] != nil || self.values.keys.contains { $0.hasPrefix(name + ".") }
    }

    /// The numbers N of `list.member.N…`, checked to run 1…count; an empty list is `list=` (as botocore sends it).
    func memberCount(_ list: String, member: String) throws(QueryFormFailure) -> Int {
        let prefix = "\(list).\(member)."
        var indices = Set<Int>()
        for key in self.values.keys where key.hasPrefix(prefix) {
            let number = key.dropFirst(prefix.count).prefix { $0 != "." }
            guard let index = Int(number) else { throw .badIndex(list, numbers: [String(number)]) }
            indices.insert(index)
        }
        if indices.isEmpty, self.value(list) != nil { return 0 }
        guard indices == Set(1...max(1, indices.count)) || indices.isEmpty else {
            throw .badIndex(list, numbers: indices.sorted().map(String.init))
        }
        return indices.count
    }
}

/// `Decoder` over a query form: a member `Name` of a structure at `path` is the parameter `path.Name`; a list is
/// `path.Name.member.N`; a nested structure's members are under `path.Name.`.
struct QueryFormDecoder: Decoder {
    let reader: QueryFormReader
    /// The parameter name this value is at ("" for the input itself).
    let path: String
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func name(_ key: String) -> String {
        let parameter = QueryName.of(key)
        return self.path.isEmpty ? parameter : "\(self.path).\(parameter)"
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try self.list(member: "member") }

    /// The list at `path` whose members are `path.<member>.N`.
    func list(member: String) throws -> Unkeyed {
        Unkeyed(decoder: self, member: member, count: try self.reader.memberCount(self.path, member: member))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    /// The text at `path`, read; `missing` when absent or empty (a required member given empty is not given).
    func text() throws(QueryFormFailure) -> String {
        guard let value = self.reader.value(self.path), !value.isEmpty else { throw .missing(self.path) }
        return value
    }

    func scalar<T: LosslessStringConvertible>(_ kind: String) throws(QueryFormFailure) -> T {
        let text = try self.text()
        guard let value = T(text) else { throw .notA(kind, parameter: self.path, value: text) }
        return value
    }

    func bool() throws(QueryFormFailure) -> Bool {
        let text = try self.text()
        guard let value = Bool(text.lowercased()) else {
            throw .notA("true or false", parameter: self.path, value: text)
        }
        return value
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: QueryFormDecoder
        var codingPath: [any CodingKey] { self.decoder.codingPath }
        var allKeys: [Key] {
            let prefix = self.decoder.path.isEmpty ? "" : self.decoder.path + "."
            let names = Set(
                self.decoder.reader.values.keys.filter { $0.hasPrefix(prefix) }.map {
                    String($0.dropFirst(prefix.count).prefix { $0 != "." })
                }
            )
            return names.compactMap {
                Key(stringValue: $0) ?? Key(stringValue: $0.prefix(1).lowercased() + $0.dropFirst())
            }
        }

        func child(_ key: Key) -> QueryFormDecoder {
            QueryFormDecoder(
                reader: self.decoder.reader,
                path: self.decoder.name(key.stringValue),
                codingPath: self.codingPath + [key]
            )
        }

        func contains(_ key: Key) -> Bool { self.decoder.reader.contains(self.decoder.name(key.stringValue)) }
        func decodeNil(forKey key: Key) throws -> Bool { !self.contains(key) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try self.child(key).bool() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try self.child(key).text() }
        /// An optional member given empty is empty (`InitQuery=` clears the init query), not missing.
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            self.decoder.reader.value(self.decoder.name(key.stringValue))
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.child(key).scalar("an integer") }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try self.child(key).scalar("a number") }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.child(key).scalar("an integer") }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.child(key).scalar("an integer") }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.child(key).scalar("an integer") }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.child(key).scalar("an integer") }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.child(key).scalar("an integer") }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.child(key).scalar("an integer") }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.child(key).scalar("an integer") }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.child(key).scalar("an integer") }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.child(key).scalar("an integer") }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try self.child(key).scalar("a number") }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let child = self.child(key)
            if type is any QueryFormList.Type || self.contains(key) { return try T(from: child) }
            throw QueryFormFailure.missing(child.path)
        }
        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type,
            forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try self.child(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try self.child(key).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { self.decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { self.child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: QueryFormDecoder
        let member: String
        let count: Int?
        var currentIndex = 0
        var codingPath: [any CodingKey] { self.decoder.codingPath }
        var isAtEnd: Bool { self.currentIndex >= (self.count ?? 0) }

        init(decoder: QueryFormDecoder, member: String, count: Int) {
            (self.decoder, self.member, self.count) = (decoder, member, count)
        }

        mutating func next() -> QueryFormDecoder {
            self.currentIndex += 1
            let path = "\(self.decoder.path).\(self.member).\(self.currentIndex)"
            return QueryFormDecoder(reader: self.decoder.reader, path: path, codingPath: self.codingPath)
        }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try self.next().bool() }
        mutating func decode(_ type: String.Type) throws -> String { try self.next().text() }
        mutating func decode(_ type: Int.Type) throws -> Int { try self.next().scalar("an integer") }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.next().scalar("an integer") }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.next().scalar("an integer") }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.next().scalar("an integer") }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.next().scalar("an integer") }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try self.next().scalar("an integer") }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.next().scalar("an integer") }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.next().scalar("an integer") }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.next().scalar("an integer") }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.next().scalar("an integer") }
        mutating func decode(_ type: Double.Type) throws -> Double { try self.next().scalar("a number") }
        mutating func decode(_ type: Float.Type) throws -> Float { try self.next().scalar("a number") }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self.next()) }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try self.next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try self.next().unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder { self.next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: QueryFormDecoder
        var codingPath: [any CodingKey] { self.decoder.codingPath }
        func decodeNil() -> Bool { !self.decoder.reader.contains(self.decoder.path) }
        func decode(_ type: Bool.Type) throws -> Bool { try self.decoder.bool() }
        func decode(_ type: String.Type) throws -> String { try self.decoder.text() }
        func decode(_ type: Int.Type) throws -> Int { try self.decoder.scalar("an integer") }
        func decode(_ type: Double.Type) throws -> Double { try self.decoder.scalar("a number") }
        func decode(_ type: Int8.Type) throws -> Int8 { try self.decoder.scalar("an integer") }
        func decode(_ type: Int16.Type) throws -> Int16 { try self.decoder.scalar("an integer") }
        func decode(_ type: Int32.Type) throws -> Int32 { try self.decoder.scalar("an integer") }
        func decode(_ type: Int64.Type) throws -> Int64 { try self.decoder.scalar("an integer") }
        func decode(_ type: UInt.Type) throws -> UInt { try self.decoder.scalar("an integer") }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decoder.scalar("an integer") }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decoder.scalar("an integer") }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decoder.scalar("an integer") }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decoder.scalar("an integer") }
        func decode(_ type: Float.Type) throws -> Float { try self.decoder.scalar("a number") }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self.decoder) }
    }
}

/// A list: absent from a form, it is empty (query forms cannot tell an empty list from none).
protocol QueryFormList {}
extension Array: QueryFormList {}

/// How a Swift member's name is spelled as a query parameter or XML element: the first letter upper case, and the
/// model's acronyms kept (`roleArn` → `RoleArn`, `dbProxyName` → `DBProxyName`, `iamAuth` → `IAMAuth`). Members
/// the model spells otherwise (`DbiResourceId`) give their coding key as AWS spells it, which stays as it is.
enum QueryName {
    static func of(_ key: String) -> String {
        for acronym in ["db", "iam"]
        where key.hasPrefix(acronym) && key.dropFirst(acronym.count).first?.isUppercase == true {
            return acronym.uppercased() + key.dropFirst(acronym.count)
        }
        return key.prefix(1).uppercased() + key.dropFirst()
    }
}

/// The name of a list's members where the model gives one (`Tags.Tag.1.Key`, `Filters.Filter.1.Name`).
protocol QueryMemberName { static var name: String { get } }

/// A list read from `Name.<member>.N` rather than `Name.member.N`.
struct NamedMemberList<Element: Decodable, Member: QueryMemberName>: Decodable, QueryFormList {
    var elements: [Element]

    init(from decoder: any Decoder) throws {
        guard let form = decoder as? QueryFormDecoder else {
            self.elements = try [Element](from: decoder)
            return
        }
        var list = try form.list(member: Member.name)
        var elements: [Element] = []
        while !list.isAtEnd { elements.append(try list.decode(Element.self)) }
        self.elements = elements
    }
}
