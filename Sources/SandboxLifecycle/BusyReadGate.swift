/// A server connection's reads while its command runs: held once `limit` bytes wait behind the command (a client
/// flooding the connection is held back by TCP, not buffered), let go when the command ends or the backlog shrinks.
/// The MySQL and PostgreSQL server handlers share it.
public struct BusyReadGate: Sendable {
    public static let limit = 64 * 1024
    private var held = false

    public init() {}

    /// The channel asks for a read: whether to pass it on now (else it is held).
    public mutating func read(busy: Bool, buffered: Int) -> Bool {
        guard busy, buffered >= Self.limit else { return true }
        self.held = true
        return false
    }

    /// Frames were taken off the buffer: whether a held read goes out now.
    public mutating func release(busy: Bool, buffered: Int) -> Bool {
        guard self.held, !busy || buffered < Self.limit else { return false }
        self.held = false
        return true
    }
}
