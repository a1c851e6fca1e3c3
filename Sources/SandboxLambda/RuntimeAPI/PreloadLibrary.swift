import Foundation

/// The library preloaded into process functions (`libSandboxPreload.so`, see `Steering/SandboxPreload.c`).
///
/// Any package that depends on CloudSandbox gets it with `swift build`/`swift test` alone: the C source ships
/// as a resource of this target and is compiled once, with the first C compiler found (`$CC`, `clang` — the
/// Swift toolchain has one —, `cc`, `gcc`), into a per-user cache (`$CLOUDSANDBOX_CACHE`, else
/// `$XDG_CACHE_HOME/cloudsandbox`, else `~/.cache/cloudsandbox`) under a name that carries the source's hash:
/// a changed source gets a new file, and concurrent test processes each rename a finished file into place.
/// `CLOUDSANDBOX_PRELOAD=/path/to/lib.so` skips all of that.
public enum PreloadLibrary: Sendable, Equatable {
    case available(path: String)
    /// Why it cannot be had, and what to do about it.
    case unavailable(reason: String)

    /// Found or made once per process, on first use.
    public static let shared: PreloadLibrary = locate(environment: ProcessInfo.processInfo.environment)

    public var path: String? {
        if case let .available(path) = self { return path }
        return nil
    }

    /// How the absence shows in a process function's failed start.
    public var functionError: FunctionError? {
        guard case let .unavailable(reason) = self else { return nil }
        return FunctionError(
            errorType: "Sandbox.PreloadUnavailable",
            errorMessage: "process functions need libSandboxPreload.so to resolve the "
                + "sandbox's DNS names and leave from their ENI, and it is missing: \(reason)"
        )
    }

    static func locate(environment: [String: String]) -> PreloadLibrary {
        if let explicit = environment["CLOUDSANDBOX_PRELOAD"], !explicit.isEmpty {
            guard FileManager.default.isReadableFile(atPath: explicit) else {
                return .unavailable(
                    reason:
                        "CLOUDSANDBOX_PRELOAD names \(explicit), which does not exist; unset it to let the sandbox "
                        + "build the library"
                )
            }
            return .available(path: explicit)
        }
        guard
            let (source, name) = SteeringCompiler.cachedName(
                "libSandboxPreload",
                suffix: ".so",
                sources: ["SandboxPreload.c", "SandboxSteering.h"]
            )
        else {
            return .unavailable(
                reason:
                    "the C source (resources SandboxPreload.c and SandboxSteering.h of CloudSandbox's "
                    + "SandboxLambda target) is not "
                    + "beside the build; rebuild, or set CLOUDSANDBOX_PRELOAD to a built libSandboxPreload.so"
            )
        }
        let library = self.cacheDirectory(environment).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: library.path) { return .available(path: library.path) }
        switch SteeringCompiler.compile(
            source: source,
            into: library,
            flags: ["-shared", "-fPIC"],
            libraries: ["-ldl"],
            override: "CLOUDSANDBOX_PRELOAD",
            environment: environment
        ) {
        case let .success(path): return .available(path: path)
        case let .failure(failure): return .unavailable(reason: failure.reason)
        }
    }

    static func cacheDirectory(_ environment: [String: String]) -> URL {
        if let explicit = environment["CLOUDSANDBOX_CACHE"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("cloudsandbox")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        return home.appendingPathComponent(".cache/cloudsandbox")
    }
}
