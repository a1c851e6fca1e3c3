/// Who may write to each schema, as a value with no I/O: one writing transaction per schema at a time (the
/// others queue, first come first served), and a real cycle of sessions waiting for each other is a deadlock.
/// `WriteLocks` keeps the waiters' continuations and runs what this decides.
struct WriteLockTable: Sendable, Equatable {
    struct Key: Hashable, Sendable {
        var schema: String
        var session: UInt32
    }

    enum Request: Sendable, Equatable {
        case granted
        /// Already this session's.
        case held
        /// In line behind the holder.
        case queued
        /// Waiting would close a cycle of sessions waiting for each other (the requester is the victim).
        case deadlock
    }

    private(set) var holders: [String: UInt32] = [:]
    private(set) var queues: [String: [UInt32]] = [:]
    /// The schema each waiting session waits for.
    private(set) var waiting: [UInt32: String] = [:]

    mutating func request(_ schema: String, session: UInt32) -> Request {
        guard let holder = self.holders[schema] else {
            self.holders[schema] = session
            return .granted
        }
        if holder == session { return .held }
        if self.wouldDeadlock(session, waitingFor: holder) { return .deadlock }
        self.queues[schema, default: []].append(session)
        self.waiting[session] = schema
        return .queued
    }

    /// The waiter gave up (lock wait timeout, disconnect); true when it was still waiting.
    mutating func cancel(_ schema: String, session: UInt32) -> Bool {
        guard self.waiting[session] == schema else { return false }
        self.waiting[session] = nil
        self.queues[schema]?.removeAll { $0 == session }
        return true
    }

    /// Releases everything `session` holds and stops its wait; returns the waiters now granted, by schema.
    mutating func release(session: UInt32) -> [Key] {
        if let schema = self.waiting[session] { _ = self.cancel(schema, session: session) }
        var granted: [Key] = []
        for (schema, holder) in self.holders where holder == session {
            self.holders[schema] = nil
            guard var queue = self.queues[schema], !queue.isEmpty else { continue }
            let next = queue.removeFirst()
            self.queues[schema] = queue.isEmpty ? nil : queue
            self.holders[schema] = next
            self.waiting[next] = nil
            granted.append(Key(schema: schema, session: next))
        }
        return granted
    }

    func holds(_ schema: String, session: UInt32) -> Bool { self.holders[schema] == session }

    func holdsAny(session: UInt32) -> Bool { self.holders.values.contains(session) }

    /// Whether `holder`, or whoever it waits for in turn, waits for something `session` holds.
    private func wouldDeadlock(_ session: UInt32, waitingFor holder: UInt32) -> Bool {
        var current = holder
        var seen: Set<UInt32> = []
        while let schema = self.waiting[current], let next = self.holders[schema], seen.insert(current).inserted {
            if next == session { return true }
            current = next
        }
        return false
    }
}
