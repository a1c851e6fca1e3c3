import Foundation

/// Whether a process function's program is a statically linked ELF executable (no program interpreter, so no libc
/// and no preload library): only the launcher can give such a program the VPC's view of names and ports.
enum StaticProgram {
    /// `command`'s program, found as exec would find it (relative to `directory` with a slash, else on `path`).
    static func resolve(_ program: String, directory: String, path: String) -> String? {
        if program.contains("/") {
            return URL(fileURLWithPath: program, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).path
        }
        return BuildTool.executable(program, path: path)
    }

    /// True for a 64-bit little-endian ELF executable without a PT_INTERP program header; false for anything else,
    /// scripts and dynamically linked programs included, and for a file it cannot read.
    static func isStaticallyLinked(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 64).map([UInt8].init), header.count == 64,
            header.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1])
        else { return false }
        let type = Self.integer(header, at: 16, size: 2)
        guard type == 2 || type == 3 else { return false }
        let offset = Self.integer(header, at: 32, size: 8)
        let size = Self.integer(header, at: 54, size: 2)
        let count = Self.integer(header, at: 56, size: 2)
        guard size >= 4, count > 0, count <= 4096, (try? handle.seek(toOffset: offset)) != nil,
            let table = try? handle.read(upToCount: Int(size * count)).map([UInt8].init),
            table.count == Int(size * count)
        else { return false }
        return !(0..<Int(count)).contains { Self.integer(table, at: $0 * Int(size), size: 4) == 3 }  // PT_INTERP
    }

    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        (0..<size).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
}
