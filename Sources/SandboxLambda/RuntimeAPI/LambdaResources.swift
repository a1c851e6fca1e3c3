import Foundation

/// Files this target ships as resources (the preload library's C source, the Node.js runtime client), found without
/// `Bundle.module`, which stops the process when the bundle is missing.
enum LambdaResources {
    /// `name` in the resource bundle beside the executable or test bundle, else at `folder` (relative to this
    /// file's folder) in the package's checkout; nil when neither is readable.
    static func url(_ name: String, inSourceFolder folder: String) -> URL? {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("CloudSandbox_SandboxLambda.resources/\(name)"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("\(folder)/\(name)"),
        ]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0.path) }
    }
}
