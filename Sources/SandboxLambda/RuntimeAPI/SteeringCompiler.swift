import Crypto
import Foundation

/// Compiles the sandbox's C sources (the preload library, the launcher) with the first C compiler found, into a
/// temporary file beside `output` that is then renamed into place (atomic: processes racing to build it each install
/// a whole file). `flags` say what to build (`-shared -fPIC` for a library); `override` names the variable that skips
/// building, for the reasons.
enum SteeringCompiler {
    struct Failure: Error {
        var reason: String
    }

    static func compile(
        source: URL,
        into output: URL,
        flags: [String],
        libraries: [String] = [],
        override: String,
        environment: [String: String]
    ) -> Result<String, Failure> {
        let directory = output.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            return .failure(
                Failure(
                    reason:
                        "cannot create the cache folder \(directory.path) (\(error.localizedDescription)); set "
                        + "CLOUDSANDBOX_CACHE to a writable folder"
                )
            )
        }
        let candidates = [environment["CC"]].compactMap { $0 }.filter { !$0.isEmpty } + ["clang", "cc", "gcc"]
        guard
            let compiler = candidates.lazy.compactMap({ BuildTool.executable($0, path: environment["PATH"] ?? "") })
                .first
        else {
            return .failure(
                Failure(
                    reason:
                        "no C compiler to build it from its source (looked for "
                        + "\(candidates.joined(separator: ", ")) on PATH); "
                        + "put the Swift toolchain's clang on PATH, install gcc, or set \(override) to a built one"
                )
            )
        }
        let partial = directory.appendingPathComponent(".\(output.lastPathComponent).\(getpid()).partial")
        let arguments = flags + ["-O2", "-o", partial.path, source.path] + libraries
        let (status, printed) = BuildTool.run(compiler, arguments)
        guard status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            return .failure(
                Failure(
                    reason:
                        "\(compiler) \(arguments.joined(separator: " ")) failed (status \(status)): "
                        + "\(printed.suffix(2000)); "
                        + "set CC to a working C compiler or \(override) to a built one"
                )
            )
        }
        guard rename(partial.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            return .failure(
                Failure(
                    reason:
                        "cannot move the built file to \(output.path): \(reason); set CLOUDSANDBOX_CACHE to a "
                        + "writable folder"
                )
            )
        }
        return .success(output.path)
    }

    /// A cache file name for `sources` (each with the header it includes): `prefix-<hash>suffix`, so a changed source
    /// gets a new file; nil when a source is not beside the build.
    static func cachedName(_ prefix: String, suffix: String, sources: [String]) -> (source: URL, name: String)? {
        let urls = sources.compactMap { LambdaResources.url($0, inSourceFolder: "Steering") }
        guard urls.count == sources.count, let first = urls.first else { return nil }
        let text = urls.reduce(into: Data()) { $0 += (try? Data(contentsOf: $1)) ?? Data() }
        return (
            first, "\(prefix)-\(SHA256.hash(data: text).prefix(8).map { String(format: "%02x", $0) }.joined())\(suffix)"
        )
    }
}
