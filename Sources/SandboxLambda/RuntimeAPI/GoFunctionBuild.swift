import Crypto
import Foundation

/// A `go1.x` function's executable: the handler names it in the code folder, as `sam build` leaves it. A folder that
/// holds the function's Go sources instead is built as `sam build` builds it (`CGO_ENABLED=0 go build`, for this
/// machine), into the per-user cache under a name carrying the sources' hash, so an unchanged folder is built once.
/// Without `go.mod` the build runs in GOPATH mode, on `$GOPATH` or else `~/go` and the distribution's packaged Go
/// libraries (`/usr/share/gocode`, where Debian's and Ubuntu's `golang-*-dev` packages install them).
public enum GoFunctionBuild {
    public enum Outcome: Sendable, Equatable {
        /// The executable to run; `built` is the line that says the sandbox built it, nil when it was in the folder.
        case executable(path: String, built: String?)
        /// Why there is nothing to run, and what to do.
        case unrunnable(reason: String)
    }

    public static func resolve(folder: URL, handler: String, environment: [String: String]) -> Outcome {
        let given = folder.appendingPathComponent(handler)
        if FileManager.default.isExecutableFile(atPath: given.path) { return .executable(path: given.path, built: nil) }
        let sam = "GOOS=linux GOARCH=\(self.architecture) CGO_ENABLED=0 go build -o \(handler)"
        if FileManager.default.fileExists(atPath: given.path) {
            return .unrunnable(
                reason:
                    "\(given.path) is not executable; `chmod +x` it, or build it as `sam build` does (`\(sam)` in "
                    + "the folder)"
            )
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        let sources = names.filter { $0.hasSuffix(".go") && !$0.hasSuffix("_test.go") }
        guard !sources.isEmpty else {
            return .unrunnable(
                reason:
                    "its handler '\(handler)' is not in the code folder \(folder.path), and the folder holds no Go "
                    + "sources to build "
                    + "it from; build it as `sam build` does (`\(sam)`), or point the function's code at the "
                    + "folder that has it"
            )
        }
        guard let go = BuildTool.executable("go", path: environment["PATH"] ?? "") else {
            return .unrunnable(
                reason:
                    "its handler '\(handler)' is not in \(folder.path), which holds Go sources, and `go` is not on "
                    + "PATH to build them; "
                    + "install Go (golang-go) or build it as `sam build` does (`\(sam)`)"
            )
        }
        let inputs = sources + names.filter { ["go.mod", "go.sum"].contains($0) }
        let hash = SHA256.hash(
            data: inputs.reduce(into: Data("\(handler)\n\(go)\n\(self.toolchainStamp(go))\n".utf8)) {
                $0 += Data("\($1)\n".utf8) + ((try? Data(contentsOf: folder.appendingPathComponent($1))) ?? Data())
            }
        ).prefix(8).map { String(format: "%02x", $0) }.joined()
        let output = PreloadLibrary.cacheDirectory(environment).appendingPathComponent("go1.x-\(hash)")
            .appendingPathComponent(handler)
        let said =
            "built from \(sources.joined(separator: ", ")) in \(folder.path) as `sam build` builds go1.x "
            + "(CGO_ENABLED=0 go build) into \(output.path)"
        if FileManager.default.isExecutableFile(atPath: output.path) {
            return .executable(path: output.path, built: said)
        }
        return self.build(
            go: go,
            folder: folder,
            output: output,
            modules: names.contains("go.mod"),
            environment: environment
        ).map {
            .unrunnable(
                reason:
                    "\($0); fix the build, or build it as `sam build` does (`\(sam)`) and put `\(handler)` in the "
                    + "folder"
            )
        } ?? .executable(path: output.path, built: said)
    }

    /// The installed `go` itself (the file its path resolves to, its size and time), so that Go upgraded in place
    /// builds afresh instead of reusing what the old one built; no process is started to ask it its version.
    private static func toolchainStamp(_ go: String) -> String {
        let real = URL(fileURLWithPath: go).resolvingSymlinksInPath().path
        let attributes = (try? FileManager.default.attributesOfItem(atPath: real)) ?? [:]
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(real) \((attributes[.size] as? NSNumber)?.intValue ?? 0) \(modified)"
    }

    /// Builds into a file beside `output` renamed into place (racing builds each install a whole file); nil when built.
    private static func build(
        go: String,
        folder: URL,
        output: URL,
        modules: Bool,
        environment: [String: String]
    ) -> String? {
        do {
            try FileManager.default.createDirectory(
                at: output.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
        } catch {
            return
                "cannot create \(output.deletingLastPathComponent().path) (\(error.localizedDescription)); set "
                + "CLOUDSANDBOX_CACHE to a writable folder"
        }
        var environment = environment
        environment["CGO_ENABLED"] = "0"
        if !modules {
            environment["GO111MODULE"] = "off"
            if (environment["GOPATH"] ?? "").isEmpty {
                environment["GOPATH"] = ([environment["HOME"].map { "\($0)/go" }, "/usr/share/gocode"] as [String?])
                    .compactMap { $0 }.joined(separator: ":")
            }
        }
        let partial = output.deletingLastPathComponent().appendingPathComponent(
            ".\(output.lastPathComponent).\(getpid()).partial"
        )
        let (status, printed) = BuildTool.run(
            go,
            ["build", "-o", partial.path, "."],
            environment: environment,
            directory: folder
        )
        guard status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            return
                "`go build` in \(folder.path) failed (status "
                + "\(status)\(modules ? "" : ", GOPATH mode: no go.mod")): \(printed.suffix(1500))"
        }
        guard rename(partial.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            return "cannot move the built executable to \(output.path): \(reason)"
        }
        return nil
    }

    /// This machine's GOARCH.
    static var architecture: String {
        #if arch(arm64)
        "arm64"
        #else
        "amd64"
        #endif
    }
}
