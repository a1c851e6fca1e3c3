/// The proxy's pool of target connections as a value: events in, actions out, no I/O (postgres-nio's
/// `PoolStateMachine` is the model). At most `maxConnections` exist (opening, idle, lent or closing: a closing
/// connection keeps its slot until it is gone, so the target never sees more than the limit), at most
/// `maxIdle` wait idle; connections belong to one database user; a request waits up to `borrowTimeout`.
/// While the target fails over (`targetDown` to `targetUp`) requests wait and nothing opens; connections made
/// before it (to the old writer) are closed as they become free, never lent again.
struct BackendPoolState: Sendable {
    typealias ConnectionID = Int
    typealias RequestID = Int

    struct Configuration: Sendable {
        var maxConnections: Int
        var maxIdle: Int
        var borrowTimeout: Duration
    }

    enum Failure: Error, Equatable, Sendable { case borrowTimeout, cancelled, shutDown }

    enum Action: Equatable, Sendable {
        /// Open a connection as `user` (for `request`, if one waits on it); report `opened` or `openFailed`.
        case open(ConnectionID, user: String, for: RequestID?)
        case lease(RequestID, ConnectionID)
        case fail(RequestID, Failure)
        /// Close the connection; report `closed`.
        case close(ConnectionID)
        /// Report `timerFired` at this instant (replaces any earlier timer).
        case scheduleTimer(ContinuousClock.Instant)
    }

    struct Metrics: Sendable, Equatable {
        var open = 0
        var idle = 0
        var borrowed = 0
        var waiting = 0
        var borrowWaits = 0
        var borrowTimeouts = 0
        var opened = 0
    }

    private enum Phase: Equatable {
        case opening(for: RequestID?)
        case idle, lent, closing
    }
    private struct Waiter {
        var id: RequestID
        var user: String
        var deadline: ContinuousClock.Instant
    }

    let configuration: Configuration
    private var connections: [ConnectionID: (user: String, phase: Phase, generation: Int)] = [:]
    /// Idle connections, oldest first.
    private var idle: [ConnectionID] = []
    private var waiters: [Waiter] = []
    private var timer: ContinuousClock.Instant?
    private var nextConnectionID = 0
    private var shutDown = false
    /// Between `targetDown` and `targetUp`: nothing opens, requests wait.
    private var targetIsDown = false
    /// Bumped by `targetDown`: connections of an older generation go to the old target.
    private var generation = 0
    private var counts = (borrowWaits: 0, borrowTimeouts: 0, opened: 0)

    init(_ configuration: Configuration) {
        self.configuration = Configuration(
            maxConnections: max(1, configuration.maxConnections),
            maxIdle: max(0, configuration.maxIdle),
            borrowTimeout: configuration.borrowTimeout
        )
    }

    var isTargetDown: Bool { self.targetIsDown }

    var metrics: Metrics {
        Metrics(
            open: self.connections.count,
            idle: self.idle.count,
            borrowed: self.connections.values.count { $0.phase == .lent },
            waiting: self.waiters.count,
            borrowWaits: self.counts.borrowWaits,
            borrowTimeouts: self.counts.borrowTimeouts,
            opened: self.counts.opened
        )
    }

    var isDrained: Bool { self.shutDown && self.connections.isEmpty }

    // MARK: Events

    /// A client needs a connection as `user`: an idle one, a new one while under the limit, else it waits.
    mutating func borrow(_ request: RequestID, user: String, now: ContinuousClock.Instant) -> [Action] {
        guard !self.shutDown else { return [.fail(request, .shutDown)] }
        if let index = self.idle.firstIndex(where: { self.connections[$0]?.user == user }) {
            return [self.lend(self.idle.remove(at: index), to: request)]
        }
        var actions: [Action] = []
        if self.connections.count >= self.configuration.maxConnections, !self.idle.isEmpty {
            // another user's idle connection makes room once it is closed
            actions.append(self.retire(self.idle.removeFirst()))
        }
        if self.connections.count < self.configuration.maxConnections, !self.targetIsDown {
            return actions + [self.open(user, for: request)]
        }
        return actions + self.wait(request, user: user, now: now)
    }

    /// An idle connection of `user`, lent at once (one that `preferred` picks, if any), or nil (then `borrow`).
    mutating func lendIdle(user: String, preferred: (ConnectionID) -> Bool = { _ in true }) -> ConnectionID? {
        let mine = self.idle.indices.filter { self.connections[self.idle[$0]]?.user == user }
        guard !self.shutDown, let index = mine.first(where: { preferred(self.idle[$0]) }) ?? mine.first else {
            return nil
        }
        let id = self.idle.remove(at: index)
        self.connections[id]?.phase = .lent
        return id
    }

    /// The requester gave up (its task was cancelled).
    mutating func cancel(_ request: RequestID) -> [Action] {
        if let index = self.waiters.firstIndex(where: { $0.id == request }) {
            self.waiters.remove(at: index)
            return [.fail(request, .cancelled)]
        }
        for (id, connection) in self.connections where connection.phase == .opening(for: request) {
            self.connections[id]?.phase = .opening(for: nil)  // opens on; goes to the next waiter or idle
            return [.fail(request, .cancelled)]
        }
        return []
    }

    mutating func opened(_ id: ConnectionID, now: ContinuousClock.Instant) -> [Action] {
        guard let connection = self.connections[id], case let .opening(request) = connection.phase else { return [] }
        guard connection.generation == self.generation else {
            // Opened to the target that failed over: closed; its request waits for (or opens) a connection to the new
            // one.
            let user = connection.user
            var actions = [self.retire(id)]
            if let request { actions += self.borrowAgain(request, user: user, now: now) }
            return actions
        }
        if let request { return [self.lend(id, to: request)] }
        return self.available(id)
    }

    /// The open failed: the runner fails the request it was for (returned) with the error it got. While the target
    /// is down (or the open went to the old one) the request waits instead, and `request` is nil.
    mutating func openFailed(
        _ id: ConnectionID,
        now: ContinuousClock.Instant
    ) -> (request: RequestID?, actions: [Action]) {
        guard let connection = self.connections.removeValue(forKey: id), case let .opening(request) = connection.phase
        else { return (nil, []) }
        if let request, self.targetIsDown || connection.generation != self.generation {
            return (nil, self.borrowAgain(request, user: connection.user, now: now))
        }
        return (request, self.serveWaiterWithNewConnection())
    }

    /// The target went away (the writer failing over): requests wait, idle connections close, lent ones close
    /// when given back, and nothing opens until `targetUp`.
    mutating func targetDown() -> [Action] {
        guard !self.shutDown else { return [] }
        self.targetIsDown = true
        self.generation += 1
        let closing = self.idle.map { self.retire($0) }
        self.idle.removeAll()
        return closing
    }

    /// The target is back (the new writer): waiters get new connections as far as the limit allows.
    mutating func targetUp() -> [Action] {
        guard self.targetIsDown else { return [] }
        self.targetIsDown = false
        var actions: [Action] = []
        while !self.waiters.isEmpty, self.connections.count < self.configuration.maxConnections {
            let waiter = self.waiters.removeFirst()
            actions.append(self.open(waiter.user, for: waiter.id))
        }
        return actions
    }

    /// A lent connection comes back: to a waiter of its user, to the idle set, or closed.
    mutating func giveBack(_ id: ConnectionID, reusable: Bool) -> [Action] {
        guard let connection = self.connections[id], connection.phase == .lent else { return [] }
        guard reusable, !self.shutDown, connection.generation == self.generation else { return [self.retire(id)] }
        return self.available(id)
    }

    mutating func closed(_ id: ConnectionID) -> [Action] {
        guard self.connections.removeValue(forKey: id) != nil else { return [] }
        return self.serveWaiterWithNewConnection()
    }

    mutating func timerFired(now: ContinuousClock.Instant) -> [Action] {
        self.timer = nil
        var actions: [Action] = []
        self.waiters.removeAll { waiter in
            guard waiter.deadline <= now else { return false }
            self.counts.borrowTimeouts += 1
            actions.append(.fail(waiter.id, .borrowTimeout))
            return true
        }
        if let next = self.waiters.map(\.deadline).min() { actions += self.schedule(next) }
        return actions
    }

    /// Shutdown (or the target failing over): waiters fail, idle connections close, lent ones close when given back.
    mutating func shutdown() -> [Action] {
        self.shutDown = true
        let failed = self.waiters.map { Action.fail($0.id, .shutDown) }
        self.waiters.removeAll()
        let closing = self.idle.map { self.retire($0) }
        self.idle.removeAll()
        return failed + closing
    }

    // MARK: Internals

    private mutating func lend(_ id: ConnectionID, to request: RequestID) -> Action {
        self.connections[id]?.phase = .lent
        return .lease(request, id)
    }

    private mutating func retire(_ id: ConnectionID) -> Action {
        self.connections[id]?.phase = .closing
        return .close(id)
    }

    private mutating func open(_ user: String, for request: RequestID?) -> Action {
        self.nextConnectionID += 1
        self.counts.opened += 1
        self.connections[self.nextConnectionID] = (user, .opening(for: request), self.generation)
        return .open(self.nextConnectionID, user: user, for: request)
    }

    private mutating func wait(_ request: RequestID, user: String, now: ContinuousClock.Instant) -> [Action] {
        self.counts.borrowWaits += 1
        let deadline = now + self.configuration.borrowTimeout
        self.waiters.append(Waiter(id: request, user: user, deadline: deadline))
        return self.schedule(deadline)
    }

    /// A request whose connection went to the old target: a new open, or a wait while the target is down or full.
    private mutating func borrowAgain(_ request: RequestID, user: String, now: ContinuousClock.Instant) -> [Action] {
        guard !self.targetIsDown, self.connections.count < self.configuration.maxConnections else {
            return self.wait(request, user: user, now: now)
        }
        return [self.open(user, for: request)]
    }

    /// A connection free for anyone of its user.
    private mutating func available(_ id: ConnectionID) -> [Action] {
        let user = self.connections[id]!.user
        if let index = self.waiters.firstIndex(where: { $0.user == user }) {
            return [self.lend(id, to: self.waiters.remove(at: index).id)]
        }
        guard self.waiters.isEmpty, self.idle.count < self.configuration.maxIdle, !self.shutDown else {
            return [self.retire(id)]  // a waiter of another user needs the slot, or too many are idle
        }
        self.connections[id]?.phase = .idle
        self.idle.append(id)
        return []
    }

    /// A slot freed up: open a connection for the first waiter (of any user).
    private mutating func serveWaiterWithNewConnection() -> [Action] {
        guard !self.waiters.isEmpty, !self.targetIsDown, self.connections.count < self.configuration.maxConnections
        else { return [] }
        let waiter = self.waiters.removeFirst()
        return [self.open(waiter.user, for: waiter.id)]
    }

    private mutating func schedule(_ deadline: ContinuousClock.Instant) -> [Action] {
        if let timer = self.timer, timer <= deadline { return [] }
        self.timer = deadline
        return [.scheduleTimer(deadline)]
    }
}
