import Foundation

/// Compiles the preload library's C source with the first C compiler found, into a temporary file beside
/// `library` that is then renamed into place (atomic: processes racing to build it each install a whole file).
enum PreloadCompiler {
    static func compile(source: URL, into library: URL, environment: [String: String]) -> PreloadLibrary {
        let directory = library.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            return .unavailable(reason: "cannot create the cache folder \(directory.path) (\(error.localizedDescription)); set CLOUDSANDBOX_CACHE to a writable folder")
        }
        let candidates = [environment["CC"]].compactMap { $0 }.filter { !$0.isEmpty } + ["clang", "cc", "gcc"]
        guard let compiler = candidates.lazy.compactMap({ self.executable($0, path: environment["PATH"] ?? "") }).first else {
            return .unavailable(reason: "no C compiler to build it from its source (looked for \(candidates.joined(separator: ", ")) on PATH); "
                + "put the Swift toolchain's clang on PATH, install gcc, or set CLOUDSANDBOX_PRELOAD to a built libSandboxPreload.so")
        }
        let partial = directory.appendingPathComponent(".\(library.lastPathComponent).\(getpid()).partial")
        let arguments = ["-shared", "-fPIC", "-O2", "-o", partial.path, source.path, "-ldl"]
        let (status, output) = self.run(compiler, arguments)
        guard status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            return .unavailable(reason: "\(compiler) \(arguments.joined(separator: " ")) failed (status \(status)): \(output.suffix(2000)); "
                + "set CC to a working C compiler or CLOUDSANDBOX_PRELOAD to a built libSandboxPreload.so")
        }
        guard rename(partial.path, library.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            return .unavailable(reason: "cannot move the built library to \(library.path): \(reason); set CLOUDSANDBOX_CACHE to a writable folder")
        }
        return .available(path: library.path)
    }

    /// `name` itself when it has a slash, else the first executable of that name on `path`.
    private static func executable(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the compiler to its end; its exit status and what it printed. It starts no daemon, so waiting on
    /// Foundation's Process is safe here.
    private static func run(_ executable: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
