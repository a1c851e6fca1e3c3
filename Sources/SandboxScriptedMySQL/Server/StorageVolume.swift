import Foundation
import NIOConcurrencyHelpers

/// What a server's data lives in: its schemas (SQLite files), the write locks over them and the connection ids
/// that own those locks. One server has its own; the instances of an Aurora-style cluster share one, so a write
/// committed on the writer is on every reader and a promoted reader serves the same rows.
public final class StorageVolume: Sendable {
    let catalog: Catalog
    let writeLocks = WriteLocks()
    private let ownsDirectory: Bool
    private let state = NIOLockedValueBox((lastConnectionID: UInt32(0), seeded: false))

    /// A volume in `directory`, or in a new temporary directory (removed by `remove()`) when nil.
    public init(directory: String? = nil) throws {
        let path = directory ?? NSTemporaryDirectory() + "cloudsandbox-mysql-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.catalog = Catalog(directory: path)
        self.ownsDirectory = directory == nil
    }

    public var directory: String { self.catalog.directory }

    /// A connection id no server on this volume has given out (ids own write locks).
    func nextConnectionID() -> UInt32 {
        self.state.withLockedValue { state in
            state.lastConnectionID &+= 1
            if state.lastConnectionID == 0 { state.lastConnectionID = 1 }
            return state.lastConnectionID
        }
    }

    /// True once: the first server to start on the volume creates its schemas and runs the seed SQL.
    func claimSeeding() -> Bool {
        self.state.withLockedValue { state in
            defer { state.seeded = true }
            return !state.seeded
        }
    }

    /// Replaces this volume's schemas with consistent copies of `source`'s (SQLite's VACUUM INTO), as a replica is
    /// rebuilt from the writer. The servers on this volume must be stopped.
    public func restore(from source: StorageVolume) throws {
        for name in self.catalog.schemas { self.catalog.drop(name) }
        for name in source.catalog.schemas {
            do {
                let connection = try SQLiteConnection(
                    path: source.catalog.path(of: name),
                    functions: SQLiteFunctions.register(on:)
                )
                _ = try connection.execute(
                    "VACUUM INTO '\(self.catalog.path(of: name).replacingOccurrences(of: "'", with: "''"))'"
                )
            } catch {
                throw SQLError.from(error, database: name)
            }
            self.catalog.adopt(name)
        }
    }

    /// Removes a temporary directory.
    public func remove() {
        if self.ownsDirectory { try? FileManager.default.removeItem(atPath: self.catalog.directory) }
    }
}
