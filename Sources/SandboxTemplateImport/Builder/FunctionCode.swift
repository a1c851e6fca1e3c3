import Foundation
import SandboxTopology

/// What code an imported function runs: a Python handler in a local folder runs as it is under awslambdaric, a
/// Node.js one under the sandbox's Node runtime client, a go1.x one as the executable its handler names (built from
/// the folder's Go sources when it is not there), a Ruby one under aws_lambda_ric where that is installed; a custom
/// runtime's `bootstrap` runs as its command; anything else is `unbound` (an invocation says why and how to bind it).
enum FunctionCode {
    /// `code` is the template's CodeUri / Code (a local folder, a zip, an S3 location), `directory` what a relative
    /// folder is relative to.
    static func bind(_ function: inout Topology.Function, logicalId: String, code: TemplateValue?, directory: URL) {
        let runtime = function.runtime ?? ""
        let folder = code?.string.flatMap { path -> URL? in
            guard !path.hasPrefix("s3://"), !path.hasPrefix("(") else { return nil }
            let url = URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? url : nil
        }
        if let folder, runtime.hasPrefix("python3"), let handler = function.handler {
            function.command = ["python3", "-m", "awslambdaric", handler]
            function.workingDirectory = folder.path
        } else if let folder, Topology.Function.ManagedRuntime(runtime: runtime) != nil, function.handler != nil {
            // the sandbox runs it with its own client, as Lambda's managed runtime does
            function.workingDirectory = folder.path
        } else if let folder, runtime.hasPrefix("ruby"), let handler = function.handler,
            let client = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({
                "\($0)/aws_lambda_ric"
            })
            .first(where: FileManager.default.isExecutableFile(atPath:))
        {
            function.command = [client, handler]  // AWS's Ruby runtime interface client, where it is installed
            function.workingDirectory = folder.path
        } else if let folder, runtime.hasPrefix("provided"),
            FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("bootstrap").path)
        {
            function.command = [folder.appendingPathComponent("bootstrap").path]
            function.workingDirectory = folder.path
        } else {
            let written =
                code?.string ?? (code?["S3Bucket"] != nil || code?["Bucket"] != nil ? "an S3 object" : "no code")
            let why =
                folder == nil
                ? "its code (\(written)) is not a local folder"
                : Topology.Function.ManagedRuntime.missingClientReason(runtime: runtime)
                    ?? "runtime \(runtime.isEmpty ? "(none)" : runtime) is not one the sandbox runs (python3.x, "
                    + "nodejs18.x-22.x, go1.x, provided.*)"
            function.builtin = .init(unbound: .init(logicalId: logicalId, reason: why))
        }
    }
}
