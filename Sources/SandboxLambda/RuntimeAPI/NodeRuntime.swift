/// The Runtime API client Node.js functions run with (`Node/SandboxNodeRuntime.js`, a resource of this target), as
/// Lambda's Node runtimes (`nodejs18.x`, `nodejs20.x`, `nodejs22.x`) run a handler named `file.export`: async and
/// callback handlers, Lambda's context, errors as `errorType` / `errorMessage` / `trace`, and
/// `Runtime.ImportModuleError` / `Runtime.HandlerNotFound` when the module or its export is missing.
public enum NodeRuntime {
    /// The command that runs a Node.js function (`node` on PATH with the client), or nil when the client's file is
    /// not beside the build.
    public static var command: [String]? {
        LambdaResources.url("SandboxNodeRuntime.js", inSourceFolder: "Node").map { ["node", $0.path] }
    }
}
