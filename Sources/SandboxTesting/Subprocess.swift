import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to completion and captures its output; for tests that drive real clients (`mariadb`,
/// `aws`, `python3` with boto3) and set-up tools.
///
/// Spawned with `posix_spawn` and every inherited descriptor above stderr closed, then reaped with `waitpid`:
/// Foundation's `Process` learns of an exit from a socket its children inherit, so a child that leaves a
/// daemon behind (`tmux new-session -d`) or a process spawned meanwhile keeps `waitUntilExit()` waiting forever.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var arguments: [String]
        public var code: Int32
        public var description: String {
            "cannot run \(self.arguments.joined(separator: " ")): \(String(cString: strerror(self.code)))"
        }
    }

    /// Runs `arguments` (looked up on PATH) and waits. Blocking: see `runOffThread` from async code.
    /// stderr is drained on its own thread so a chatty stderr cannot fill its pipe while stdout is read.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let (outRead, outWrite) = try self.pipe()
        let (errRead, errWrite) = try self.pipe()
        let spawned = Swift.Result {
            try self.spawn(
                arguments,
                environment: environment ?? ProcessInfo.processInfo.environment,
                stdout: outWrite,
                stderr: errWrite
            )
        }
        close(outWrite)
        close(errWrite)
        let out = FileHandle(fileDescriptor: outRead, closeOnDealloc: true)
        let err = FileHandle(fileDescriptor: errRead, closeOnDealloc: true)
        let pid = try spawned.get()
        let stderrData = LockedData()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderrData.set(err.readDataToEndOfFile())
            drained.signal()
        }
        let stdout = out.readDataToEndOfFile()
        drained.wait()
        return Result(
            status: self.wait(pid),
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderrData.get(), as: UTF8.self)
        )
    }

    /// `run` on a GCD thread, so the Swift cooperative pool stays free for the servers under test.
    public static func runOffThread(_ arguments: [String], environment: [String: String]? = nil) async throws -> Result
    {
        try await self.offThread { try run(arguments, environment: environment) }
    }

    /// Blocking `work` (a child process to wait for, a server to start) on a GCD thread: the cooperative pool has a
    /// thread per core, and servers in the same process need them meanwhile.
    public static func offThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try work() }) }
        }
    }

    /// A pipe whose ends no other child inherits (close-on-exec; `posix_spawn`'s dup2 clears it on 1 and 2).
    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SpawnError(arguments: ["pipe"], code: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    private static func spawn(
        _ arguments: [String],
        environment: [String: String],
        stdout: Int32,
        stderr: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        self.closeInheritedDescriptors(&actions)
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        // The child starts as from a shell: no signal blocked (a GCD or concurrency thread blocks nearly all, and
        // pgbench's
        // -T waits for a SIGALRM), and SIGPIPE, which this process ignores, back to its default.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let code = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnError(arguments: arguments, code: code) }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+, not in the Swift module), else every
    /// descriptor open now.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }

    /// The exit status, or 128 + the signal that ended it (as a shell reports it).
    private static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private final class LockedData: Sendable {
        private let data = NIOLockedValueBox(Data())
        func set(_ value: Data) { self.data.withLockedValue { $0 = value } }
        func get() -> Data { self.data.withLockedValue { $0 } }
    }
}
