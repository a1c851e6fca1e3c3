import Foundation
import NIOConcurrencyHelpers

/// The server's schemas: each one a SQLite file in the data directory.
final class Catalog: Sendable {
    let directory: String
    private let names = NIOLockedValueBox<Set<String>>([])

    /// Schemas every MySQL server shows but that hold no user tables here.
    static let systemSchemas = ["information_schema", "mysql", "performance_schema", "sys"]

    init(directory: String) {
        self.directory = directory
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let found = existing.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(".sqlite".count)) }
        self.names.withLockedValue { $0.formUnion(found) }
    }

    var schemas: [String] { self.names.withLockedValue { Array($0) }.sorted() }

    func exists(_ name: String) -> Bool { self.names.withLockedValue { $0.contains(name) } }

    func path(of name: String) -> String { "\(self.directory)/\(name).sqlite" }

    /// Creates the schema; returns false if it already existed.
    @discardableResult
    func create(_ name: String) throws -> Bool {
        guard Self.isValidName(name) else { throw SQLError.invalidSchemaName(name) }
        guard self.names.withLockedValue({ $0.insert(name).inserted }) else { return false }
        _ = try SQLiteConnection(path: self.path(of: name), functions: SQLiteFunctions.register(on:))
        return true
    }

    /// Takes in a schema whose file was put in the directory (a restored copy).
    func adopt(_ name: String) { _ = self.names.withLockedValue { $0.insert(name) } }

    /// Drops the schema's file; returns false if it did not exist.
    @discardableResult
    func drop(_ name: String) -> Bool {
        guard self.names.withLockedValue({ $0.remove(name) != nil }) else { return false }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: self.path(of: name) + suffix) }
        return true
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "-" }
            && !systemSchemas.contains(name.lowercased())
    }
}
