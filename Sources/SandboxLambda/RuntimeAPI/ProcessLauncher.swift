import Foundation

/// The launcher process functions run under (`sandbox-launch`, see `Steering/SandboxLaunch.c`): it supervises their
/// `connect` system calls with seccomp user notification, so programs that bypass libc and the preload library
/// (static Go) still reach the sandbox's listeners from their ENI and its DNS responder for names.
///
/// Built as the preload library is: from the C source this target ships, with the first C compiler found, into the
/// per-user cache under a name carrying the sources' hash; then tried once (`sandbox-launch true`), since a kernel
/// before 5.9 or a seccomp policy may refuse the filter. `CLOUDSANDBOX_LAUNCHER=/path` skips the build;
/// `CLOUDSANDBOX_LAUNCHER=off` turns it off.
public enum ProcessLauncher: Sendable, Equatable {
    case available(path: String)
    /// Why it cannot be had, and what will not work without it.
    case unavailable(reason: String)

    /// Found or made once per process, on first use.
    public static let shared: ProcessLauncher = locate(environment: ProcessInfo.processInfo.environment)

    public var path: String? {
        if case let .available(path) = self { return path }
        return nil
    }

    /// What a sandbox says at start while it is unavailable.
    public var warning: String? {
        guard case let .unavailable(reason) = self else { return nil }
        return
            "process functions that bypass libc (static Go binaries) will not resolve the sandbox's names or reach "
            + "its listeners: \(reason)"
    }

    static func locate(environment: [String: String]) -> ProcessLauncher {
        if let explicit = environment["CLOUDSANDBOX_LAUNCHER"], !explicit.isEmpty {
            if explicit == "off" { return .unavailable(reason: "CLOUDSANDBOX_LAUNCHER=off") }
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                return .unavailable(
                    reason:
                        "CLOUDSANDBOX_LAUNCHER names \(explicit), which is not an executable; unset it to let the "
                        + "sandbox build the launcher"
                )
            }
            return self.tried(explicit)
        }
        guard
            let (source, name) = SteeringCompiler.cachedName(
                "sandbox-launch",
                suffix: "",
                sources: ["SandboxLaunch.c", "SandboxSteering.h"]
            )
        else {
            return .unavailable(
                reason:
                    "the C source (resources SandboxLaunch.c and SandboxSteering.h of CloudSandbox's SandboxLambda "
                    + "target) is not "
                    + "beside the build; rebuild, or set CLOUDSANDBOX_LAUNCHER to a built sandbox-launch"
            )
        }
        let launcher = PreloadLibrary.cacheDirectory(environment).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: launcher.path) { return self.tried(launcher.path) }
        switch SteeringCompiler.compile(
            source: source,
            into: launcher,
            flags: [],
            libraries: ["-lpthread"],
            override: "CLOUDSANDBOX_LAUNCHER",
            environment: environment
        ) {
        case let .success(path): return self.tried(path)
        case let .failure(failure): return .unavailable(reason: failure.reason)
        }
    }

    /// `launcher` if it installs its filter here (it says on stderr when the kernel refuses).
    private static func tried(_ launcher: String) -> ProcessLauncher {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher)
        process.arguments = ["true"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .unavailable(reason: "cannot run \(launcher): \(error)")
        }
        let printed = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, printed.isEmpty else {
            return .unavailable(
                reason: printed.isEmpty
                    ? "\(launcher) true exited with status \(process.terminationStatus)"
                    : printed.trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
        return .available(path: launcher)
    }
}
