import Foundation

/// `PATH.lock`, held (flock) while a sandbox records into PATH, with its pid: a second `sandbox up --state PATH`
/// is refused instead of writing into the first one's log.
struct StateFileLock: Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path + ".lock"
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        let descriptor = open(self.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AuditLog.Failure(
                description:
                    "the state file \(path) cannot be locked (\(String(cString: strerror(errno)))); choose another "
                    + "--state"
            )
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder =
                (try? String(contentsOfFile: self.path, encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines
                ) ?? ""
            close(descriptor)
            throw AuditLog.Failure(
                description:
                    "the state file \(path) is in use by another sandbox\(holder.isEmpty ? "" : " (pid \(holder))"); "
                    + "stop it with `sandbox down` or choose another --state"
            )
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    func release() {
        unlink(self.path)
        close(self.descriptor)
    }
}
