/// The Lambda Runtime API of one process instance as a value: which invocation the runtime may fetch, which one
/// it is answering, whether it has initialized. Each event returns what to do; `ProcessFunctionInstance` does it.
struct RuntimeAPIState: Sendable {
    enum Phase: Sendable, Equatable {
        /// Started; no poll of /next yet.
        case initializing
        case ready
        /// Exited, failed to initialize or stopped.
        case dead
    }

    enum Action: Sendable, Equatable {
        case none
        /// The first poll: initialization is over.
        case initialized
        /// Hand `invocation` to the parked poller.
        case deliver(String)
        /// Keep the poll waiting for an invocation.
        case park
        /// The invocation in flight ended so.
        case complete(InvocationOutcome)
        /// Initialization failed.
        case failInit(FunctionError)
        /// The runtime named a request that is not in flight (400 InvalidRequestID).
        case rejectUnknownRequest
        /// The runtime polled again while a poll is parked, or after it died.
        case rejectPoll
    }

    private(set) var phase = Phase.initializing
    /// The request id waiting for a poll.
    private(set) var queued: String?
    /// The request id the runtime holds.
    private(set) var current: String?
    private(set) var pollParked = false

    mutating func nextPolled() -> [Action] {
        guard self.phase != .dead, !self.pollParked else { return [.rejectPoll] }
        var actions: [Action] = []
        if self.phase == .initializing {
            self.phase = .ready
            actions.append(.initialized)
        }
        if let id = self.queued {
            self.queued = nil
            self.current = id
            actions.append(.deliver(id))
        } else {
            self.pollParked = true
            actions.append(.park)
        }
        return actions
    }

    mutating func invocationArrived(_ id: String) -> Action {
        guard self.phase != .dead else {
            return .complete(
                .crashed(FunctionError(errorType: "Runtime.ExitError", errorMessage: "the runtime is gone"))
            )
        }
        if self.pollParked {
            self.pollParked = false
            self.current = id
            return .deliver(id)
        }
        self.queued = id
        return .none
    }

    mutating func answered(_ id: String, _ outcome: InvocationOutcome) -> Action {
        guard self.current == id else { return .rejectUnknownRequest }
        self.current = nil
        return .complete(outcome)
    }

    mutating func initErrorPosted(_ error: FunctionError) -> Action {
        defer { self.phase = .dead }
        switch self.phase {
        case .initializing: return .failInit(error)
        case .ready, .dead: return self.current == nil && self.queued == nil ? .none : self.dying(error)
        }
    }

    /// The process exited, or the instance is stopped (`error` then is nil: a timeout).
    mutating func ended(_ error: FunctionError?) -> Action {
        let phase = self.phase
        self.phase = .dead
        self.pollParked = false
        guard let error else {
            self.current = nil
            self.queued = nil
            return phase == .initializing
                ? .failInit(FunctionError(errorType: "Sandbox.Timedout", errorMessage: "initialization stopped"))
                : .complete(.timedOut)
        }
        if phase == .initializing { return .failInit(error) }
        return self.current == nil && self.queued == nil ? .none : self.dying(error)
    }

    private mutating func dying(_ error: FunctionError) -> Action {
        self.current = nil
        self.queued = nil
        return .complete(.crashed(error))
    }
}
