#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal mask a function's process starts with. A process inherits the mask of the thread that spawns it, and
/// the sandbox spawns from a concurrency thread, which blocks nearly every signal: the function would start with
/// SIGTERM blocked (so stopping it waited out the grace period and killed it) and SIGINT blocked, unlike Lambda's
/// processes. `spawn` runs with this thread's mask emptied, and puts it back after.
enum SpawnSignalMask {
    static func unblocked<T>(_ spawn: () throws -> T) rethrows -> T {
        var none = sigset_t()
        var saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try spawn()
    }
}
