import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SandboxLifecycle
import SandboxScriptedMySQL
import SandboxTopology

/// Asynchronous replication in a cluster with `replicaLagSeconds`: each transaction the writer commits queues for
/// every other member and is applied there, in commit order, once the lag has passed. A promotion loses what the
/// promoted reader had not applied (recorded, for checking what a client was told was committed); a member that
/// comes back after a failover is rebuilt from the new writer's volume. The lag runs on `clock` (a test's
/// `ManualClock`).
package final class ClusterReplication: Sendable {
    private struct Entry: Sendable {
        var due: ContinuousClock.Instant
        var transaction: CommittedTransaction
    }

    private struct State {
        var pending: [String: [Entry]] = [:]
        var lost: [CommittedTransaction] = []
    }

    let lag: Duration
    private let clock: any SandboxClock
    private let members: [String: ScriptedMySQLServer]
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    /// A transaction was queued (at most one wake-up waits: `run` reads the queue whole).
    private let queued: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    package init(
        lag: Duration,
        members: [String: ScriptedMySQLServer],
        writer: String,
        clock: any SandboxClock = SystemClock(),
        logger: Logger
    ) {
        self.lag = lag
        self.clock = clock
        self.members = members
        self.logger = logger
        (self.queued, self.wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.follow(writer: writer)
    }

    /// What the last promotion lost.
    package var lostTransactions: [CommittedTransaction] { self.state.withLockedValue { $0.lost } }

    /// `writer`'s commits go to every other member from now on.
    private func follow(writer: String) {
        for (id, server) in self.members where id != writer { server.setCommitObserver(nil) }
        self.members[writer]?.setCommitObserver { [weak self] transaction in self?.enqueue(transaction, from: writer) }
    }

    private func enqueue(_ transaction: CommittedTransaction, from writer: String) {
        let entry = Entry(due: self.clock.now + self.lag, transaction: transaction)
        self.state.withLockedValue { state in
            for id in self.members.keys where id != writer { state.pending[id, default: []].append(entry) }
        }
        self.wake.yield()
    }

    /// Applies each transaction on each member, in order, when it falls due, until cancelled: it sleeps until the
    /// earliest is due (the lag is one for all, so later ones are never due sooner), or until one is queued.
    func run() async {
        var wakeUps = self.queued.makeAsyncIterator()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        while !Task.isCancelled {
            await self.applyDue()
            if let due = self.earliestDue() {
                try? await self.clock.sleep(until: due, on: eventLoop)
            } else if await wakeUps.next() == nil {
                return
            }
        }
    }

    private func earliestDue() -> ContinuousClock.Instant? {
        self.state.withLockedValue { $0.pending.values.compactMap(\.first?.due).min() }
    }

    private func applyDue() async {
        for (id, server) in self.members {
            while let transaction = self.nextDue(for: id) {
                do {
                    try await server.apply(transaction)
                } catch {
                    self.logger.error(
                        "a replicated transaction failed on a reader",
                        metadata: ["db.instance": "\(id)", "error": "\(error)"]
                    )
                }
            }
        }
    }

    private func nextDue(for id: String) -> CommittedTransaction? {
        self.state.withLockedValue { state in
            guard let first = state.pending[id]?.first, first.due <= self.clock.now else { return nil }
            state.pending[id]?.removeFirst()
            return first.transaction
        }
    }

    /// `target` becomes the writer: what it had not applied is lost, and no member applies the old writer's
    /// transactions any more (they are not on the new writer).
    func promote(_ target: String) {
        self.state.withLockedValue { state in
            state.lost = (state.pending[target] ?? []).map(\.transaction)
            state.pending.removeAll()
        }
        self.follow(writer: target)
    }

    /// Rebuilds `member` (stopped) from `writer`'s volume, at a moment no transaction writes, dropping what it had
    /// that the writer has not (the lost tail) and the transactions queued for it before.
    func rebuild(_ member: String, from writer: String) async throws {
        guard let server = self.members[member], let source = self.members[writer] else { return }
        try await source.withWritesPaused {
            self.state.withLockedValue { $0.pending[member] = [] }
            try server.restoreVolume(from: source.volume)
        }
    }
}
