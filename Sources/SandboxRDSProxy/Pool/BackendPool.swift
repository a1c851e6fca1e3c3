import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SandboxLifecycle

/// A target connection the pool can lend (MySQL's or PostgreSQL's client connection).
protocol PooledConnection: AnyObject, Sendable {
    /// What the proxy tracks of the session on such a connection (MySQL: the variables applied to it).
    associatedtype TrackedState: Sendable
    /// The state of a connection just opened.
    static var freshState: TrackedState { get }
    var eventLoop: any EventLoop { get }
    /// Ends the session politely (COM_QUIT, Terminate) and closes.
    func quit() -> EventLoopFuture<Void>
}

/// A target connection lent to one client, with the session state last applied to it.
final class BackendLease<Connection: PooledConnection>: Sendable {
    let id: BackendPoolState.ConnectionID
    let connection: Connection
    let user: String
    private let tracked = NIOLockedValueBox(Connection.freshState)

    /// The tracked session state this connection is in (what the proxy applied or saw applied). Only the client
    /// holding the lease reads or changes it; the lock orders a hand-over to a client on another thread.
    var state: Connection.TrackedState {
        get { self.tracked.withLockedValue { $0 } }
        set { self.tracked.withLockedValue { $0 = newValue } }
    }

    init(id: BackendPoolState.ConnectionID, connection: Connection, user: String) {
        self.id = id
        self.connection = connection
        self.user = user
    }
}

/// Runs a `BackendPoolState`: `dispatch(_:)` feeds it one event and is the only place with side effects.
/// Opens run as child tasks of `run()` (the proxy runs it for its lifetime); closes are NIO futures and the
/// borrow timer an action of the proxy's clock on an event loop, so nothing runs loose. A borrow is cancellable. A
/// borrower may name its client's event loop: a new connection opens on it and idle ones on it are preferred, so a
/// relayed answer goes from target to client without changing threads.
final class BackendPool<Connection: PooledConnection>: Sendable {
    typealias Metrics = BackendPoolState.Metrics

    private struct Inner {
        var machine: BackendPoolState
        var leases: [BackendPoolState.ConnectionID: BackendLease<Connection>] = [:]
        var waiting: [BackendPoolState.RequestID: CheckedContinuation<BackendLease<Connection>, any Error>] = [:]
        /// The event loop each waiting request would like its connection on.
        var loops: [BackendPoolState.RequestID: any EventLoop] = [:]
        var nextRequest = 0
        var timer: ClockTimer?
    }

    private enum Effect {
        case open(BackendPoolState.ConnectionID, user: String, on: (any EventLoop)?)
        case resume(
            CheckedContinuation<BackendLease<Connection>, any Error>?,
            Result<BackendLease<Connection>, any Error>
        )
        case close(BackendPoolState.ConnectionID, Connection?)
    }

    private let inner: NIOLockedValueBox<Inner>
    private typealias Open = (id: BackendPoolState.ConnectionID, user: String, loop: (any EventLoop)?)
    private let opens: AsyncStream<Open>
    private let requestOpen: AsyncStream<Open>.Continuation
    private let open: @Sendable (String, (any EventLoop)?) async throws -> Connection
    private let eventLoop: any EventLoop
    /// The borrow timeout's time.
    private let clock: any SandboxClock

    init(
        _ configuration: BackendPoolState.Configuration,
        clock: any SandboxClock = SystemClock(),
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
        open: @escaping @Sendable (_ user: String, _ eventLoop: (any EventLoop)?) async throws -> Connection
    ) {
        self.inner = NIOLockedValueBox(Inner(machine: BackendPoolState(configuration)))
        (self.opens, self.requestOpen) = AsyncStream.makeStream()
        self.open = open
        self.eventLoop = eventLoop
        self.clock = clock
    }

    var metrics: Metrics { self.inner.withLockedValue { $0.machine.metrics } }
    var isTargetDown: Bool { self.inner.withLockedValue { $0.machine.isTargetDown } }

    /// Opens connections as the pool asks, until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await (id, user, loop) in self.opens {
                group.addTask {
                    do {
                        let connection = try await self.open(user, loop)
                        self.dispatch { inner in
                            inner.leases[id] = BackendLease(id: id, connection: connection, user: user)
                            return inner.machine.opened(id, now: self.clock.now)
                        }
                    } catch {
                        self.dispatch(error: error) { $0.machine.openFailed(id, now: self.clock.now) }
                    }
                }
            }
        }
    }

    /// A connection logged in as `user`: an idle one, a new one while under the limit, or the next one given back
    /// within the borrow timeout (then `BackendPoolState.Failure.borrowTimeout`).
    func borrow(user: String, on eventLoop: (any EventLoop)? = nil) async throws -> BackendLease<Connection> {
        let request = self.inner.withLockedValue { inner in
            inner.nextRequest += 1
            return inner.nextRequest
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                self.dispatch { inner in
                    inner.waiting[request] = continuation
                    inner.loops[request] = eventLoop
                    return inner.machine.borrow(request, user: user, now: self.clock.now)
                }
            }
        } onCancel: {
            self.dispatch { $0.machine.cancel(request) }
        }
    }

    /// An idle connection of `user` at once (on `eventLoop` if one is), or nil.
    func borrowIdle(user: String, on eventLoop: (any EventLoop)? = nil) -> BackendLease<Connection>? {
        self.inner.withLockedValue { inner in
            let leases = inner.leases
            let id = inner.machine.lendIdle(user: user) { id in
                eventLoop.map { leases[id]?.connection.eventLoop === $0 } ?? true
            }
            return id.flatMap { leases[$0] }
        }
    }

    /// Takes a connection back: to a waiter, to the idle set, or closed (not reusable, or not needed).
    func giveBack(_ lease: BackendLease<Connection>, reusable: Bool) {
        self.dispatch { $0.machine.giveBack(lease.id, reusable: reusable) }
    }

    /// The target is failing over: borrows wait, idle connections close, nothing opens (`BackendPoolState.targetDown`).
    func targetDown() { self.dispatch { $0.machine.targetDown() } }

    /// The target is back (another address, maybe): waiting borrows get new connections.
    func targetUp() { self.dispatch { $0.machine.targetUp() } }

    /// Fails waiters and closes idle connections; lent ones close as they come back.
    func shutdown() {
        self.dispatch { $0.machine.shutdown() }
        self.requestOpen.finish()
    }

    private func dispatch(
        error: (any Error)? = nil,
        _ event: (inout Inner) -> (request: BackendPoolState.RequestID?, actions: [BackendPoolState.Action])
    ) {
        let effects = self.inner.withLockedValue { inner -> [Effect] in
            let (failed, actions) = event(&inner)
            var effects: [Effect] = []
            if let failed {
                inner.loops[failed] = nil
                effects.append(
                    .resume(
                        inner.waiting.removeValue(forKey: failed),
                        .failure(error ?? BackendPoolState.Failure.shutDown)
                    )
                )
            }
            for action in actions {
                switch action {
                case let .open(id, user, request):
                    effects.append(.open(id, user: user, on: request.flatMap { inner.loops[$0] }))
                case let .lease(request, id):
                    inner.loops[request] = nil
                    effects.append(.resume(inner.waiting.removeValue(forKey: request), .success(inner.leases[id]!)))
                case let .fail(request, failure):
                    inner.loops[request] = nil
                    effects.append(.resume(inner.waiting.removeValue(forKey: request), .failure(failure)))
                case let .close(id): effects.append(.close(id, inner.leases.removeValue(forKey: id)?.connection))
                case let .scheduleTimer(deadline):
                    inner.timer?.cancel()
                    inner.timer = self.clock.schedule(at: deadline, on: self.eventLoop) {
                        self.dispatch { $0.machine.timerFired(now: self.clock.now) }
                    }
                }
            }
            return effects
        }
        for effect in effects {
            switch effect {
            case let .open(id, user, loop): self.requestOpen.yield((id, user, loop))
            case let .resume(continuation, result): continuation?.resume(with: result)
            case let .close(id, connection):
                guard let connection else {
                    self.dispatch { $0.machine.closed(id) }
                    continue
                }
                connection.quit().whenComplete { _ in self.dispatch { $0.machine.closed(id) } }
            }
        }
    }

    private func dispatch(_ event: (inout Inner) -> [BackendPoolState.Action]) {
        self.dispatch { (request: nil, actions: event(&$0)) }
    }
}
