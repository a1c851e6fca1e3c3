import HeapModule

/// The deadlines a `DeadlineTimer` holds, as a value without I/O: which are due, and when the one timer it arms
/// must next fire. Cancelling only forgets the action; its heap entry is dropped when it surfaces (or when cancelled
/// entries outnumber live ones), so adding and cancelling a deadline per request never re-arms the timer unless the
/// new deadline is the earliest.
struct DeadlineQueue<Action> {
    private struct Entry: Comparable {
        var deadline: Int64
        var id: UInt64
        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.deadline, lhs.id) < (rhs.deadline, rhs.id) }
    }

    private var heap = Heap<Entry>()
    private var actions: [UInt64: Action] = [:]
    private var nextID: UInt64 = 0
    /// When the timers armed fire (nanoseconds on the caller's clock): one, and briefly another when an earlier
    /// deadline came.
    private var fires = Heap<Int64>()

    /// When the next armed timer fires; nil when none is armed.
    var armed: Int64? { self.fires.min }

    /// Deadlines not yet due or cancelled.
    var count: Int { self.actions.count }
    /// Entries held, cancelled ones not yet dropped included.
    var heapCount: Int { self.heap.count }

    /// Adds `action` at `deadline`; `arm` is when the timer must now fire, nil when the armed one fires early enough.
    mutating func add(_ deadline: Int64, _ action: Action) -> (id: UInt64, arm: Int64?) {
        let id = self.nextID
        self.nextID += 1
        self.heap.insert(Entry(deadline: deadline, id: id))
        self.actions[id] = action
        return (id, self.armIfEarlier(deadline))
    }

    /// Forgets the action of `id`; false when it already ran or was cancelled.
    @discardableResult
    mutating func cancel(_ id: UInt64) -> Bool {
        guard self.actions.removeValue(forKey: id) != nil else { return false }
        if self.heap.count > 2 * self.actions.count + 64 {
            self.heap = Heap(self.heap.unordered.filter { self.actions[$0.id] != nil })
        }
        return true
    }

    /// A timer fired at `now`: the actions due, oldest first, and when a timer must be armed (nil: one armed
    /// already fires early enough, or nothing is left).
    mutating func expire(now: Int64) -> (due: [Action], arm: Int64?) {
        while let fire = self.fires.min, fire <= now { self.fires.removeMin() }
        var due: [Action] = []
        while let top = self.heap.min, top.deadline <= now || self.actions[top.id] == nil {
            self.heap.removeMin()
            if let action = self.actions.removeValue(forKey: top.id) { due.append(action) }
        }
        return (due, self.heap.min.flatMap { self.armIfEarlier($0.deadline) })
    }

    /// `deadline`, now armed, when no timer fires by then.
    private mutating func armIfEarlier(_ deadline: Int64) -> Int64? {
        guard self.fires.min.map({ deadline < $0 }) ?? true else { return nil }
        self.fires.insert(deadline)
        return deadline
    }
}
extension DeadlineQueue: Sendable where Action: Sendable {}
